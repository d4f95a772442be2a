import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as api from 'crisis-playbook';

const indexPath = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const program = ts.createProgram([indexPath], {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
});
const checker = program.getTypeChecker();
const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(indexPath)!)!;
const exported = checker.getExportsOfModule(moduleSymbol).map((symbol) => {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return {
    name: symbol.getName(),
    isValue: (target.flags & ts.SymbolFlags.Value) !== 0,
    summary: ts.displayPartsToString(target.getDocumentationComment(checker)).trim(),
    tags: target.getJsDocTags(checker).map((tag) => tag.name),
  };
});

describe('the public API', () => {
  it('names each export explicitly in src/index.ts (no export *)', () => {
    const source = program.getSourceFile(indexPath)!.getFullText();
    expect(source).not.toMatch(/export \*/);
    expect(exported.length).toBeGreaterThan(40);
  });

  it.each(exported.map((entry) => [entry.name, entry] as const))('documents %s with a summary and an example', (_, entry) => {
    expect(entry.summary, `${entry.name} has no JSDoc summary`).not.toBe('');
    expect(entry.tags, `${entry.name} has no @example`).toContain('example');
  });

  it('exports at run time exactly the values its types declare', () => {
    const values = exported.filter((entry) => entry.isValue).map((entry) => entry.name);
    expect(values).toContain('crisisMachine');
    expect(Object.keys(api).sort()).toEqual(values.sort());
  });
});
