// What an entry point exports, read from its source with the TypeScript checker: each name,
// whether it is a value, its JSDoc summary, tags and examples (for the public-API tests).
import ts from 'typescript';

export interface ExportedName {
  readonly name: string;
  readonly isValue: boolean;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly examples: readonly string[];
}

/** A program over `paths`, and a reader of the exports of each of them. */
export function exportReader(paths: readonly string[]) {
  const program = ts.createProgram([...paths], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true });
  const checker = program.getTypeChecker();
  const exportsOf = (path: string): ExportedName[] =>
    checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(path)!)!).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const tags = target.getJsDocTags(checker);
      return {
        name: symbol.getName(),
        isValue: (target.flags & ts.SymbolFlags.Value) !== 0,
        summary: ts.displayPartsToString(target.getDocumentationComment(checker)).trim(),
        tags: tags.map((tag) => tag.name),
        examples: tags.filter((tag) => tag.name === 'example').map((tag) => ts.displayPartsToString(tag.text)),
      };
    });
  return { program, exportsOf };
}
