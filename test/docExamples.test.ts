import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every ```ts block of a JSDoc `@example` in src/, of README.md and of docs/*.md, as a virtual module. */
function docExamples(): Map<string, string> {
  const examples = new Map<string, string>();
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    let index = 0;
    for (const [, block] of text.matchAll(/@example\s*\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/g)) {
      const code = block!.replace(/^\s*\* ?/gm, '');
      examples.set(join(root, '.doc-examples', `${file.slice(root.length).replace(/[\\/.]/g, '_')}_${index++}.ts`), `${code}\nexport {};\n`);
    }
  }
  for (const file of [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join(root, 'docs', name))]) {
    let index = 0;
    for (const [, code] of readFileSync(file, 'utf8').matchAll(/```ts\n([\s\S]*?)\n```/g)) {
      examples.set(join(root, '.doc-examples', `${file.slice(root.length).replace(/[\\/.]/g, '_')}_${index++}.ts`), `${code}\nexport {};\n`);
    }
  }
  return examples;
}

describe('the examples in JSDoc, the README and docs/', () => {
  const examples = docExamples();

  it('include JSON playbooks that validate', async () => {
    const { safeParsePlaybook } = await import('crisis-playbook/authoring');
    const documents = readdirSync(join(root, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .flatMap((name) => [...readFileSync(join(root, 'docs', name), 'utf8').matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]!));
    expect(documents.length).toBeGreaterThan(0);
    for (const document of documents) {
      const result = safeParsePlaybook(JSON.parse(document));
      expect(result.success, result.success ? '' : result.error.message).toBe(true);
    }
  });

  it('are extracted from the sources', () => {
    expect(examples.size).toBeGreaterThan(60);
  });

  it('type-check against the public API', () => {
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      paths: {
        ...Object.fromEntries(['', '/server', '/authoring', '/visualize'].map((sub) => [`crisis-playbook${sub}`, [join(root, `src/${sub === '' ? 'index' : sub.slice(1)}.ts`)]])),
        'crisis-playbook/postgres': [join(root, 'src/postgres/index.ts')],
      },
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.readFile = (name) => examples.get(name) ?? readFile(name);
    host.fileExists = (name) => examples.has(name) || fileExists(name);
    const program = ts.createProgram([...examples.keys()], options, host);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && examples.has(d.file.fileName))
      .map((d) => {
        const code = examples.get(d.file!.fileName)!;
        return `${ts.flattenDiagnosticMessageText(d.messageText, '\n')}\n--- in example:\n${code}`;
      });
    expect(problems).toEqual([]);
    // A limit that stops a hang: 14 s idle, 32 s beside the rest of npm test on a loaded machine.
  }, 180_000);
});
