// The layers of src/, from the bottom up (docs/architecture.md). A file may import its own
// layer and the layers below it, never one above: ESLint's no-restricted-imports enforces it.
// `base` is the shared ground (limits, quoting, errors); the entries (index.ts, server.ts,
// authoring.ts, visualize.ts) sit on top and are imported only by the CLI and by apps.

/** @type {{ name: string; files: string[]; imports: string[]; external?: string[] }[]} */
export const layers = [
  { name: 'base', files: ['src/limits.ts', 'src/quote.ts', 'src/suggest.ts', 'src/errors/**'], imports: ['limits', 'quote', 'errors'], external: ['zod'] },
  { name: 'definition', files: ['src/definition/**'], imports: ['definition'], external: ['zod'] },
  { name: 'events', files: ['src/events/**'], imports: ['events'], external: ['zod'] },
  { name: 'compile', files: ['src/compile/**'], imports: ['compile'], external: ['zod', 'xstate'] },
  { name: 'advice', files: ['src/advice/**'], imports: ['advice'], external: ['zod', 'xstate'] },
  { name: 'runtime', files: ['src/runtime/**'], imports: ['runtime'], external: ['zod', 'xstate'] },
  { name: 'default', files: ['src/default/**'], imports: ['default'], external: ['zod', 'xstate'] },
  { name: 'visualize', files: ['src/visualize/**'], imports: ['visualize'], external: ['zod', 'xstate'] },
];

const folders = ['definition', 'events', 'compile', 'advice', 'runtime', 'default', 'visualize', 'cli'];
const entries = ['index', 'server', 'authoring', 'visualize', 'fr'];

function rulesFor(index) {
  const layer = layers[index];
  const above = layers.slice(index + 1).flatMap((higher) => higher.imports).filter((name) => folders.includes(name));
  const own = new Set(layers.slice(0, index + 1).flatMap((lower) => lower.imports));
  const patterns = [];
  if (above.length > 0) {
    patterns.push({
      group: above.flatMap((name) => [`../${name}/*`, `./${name}/*`]),
      message: `The ${layer.name} layer must not import a layer above it (see docs/architecture.md): move what it needs down.`,
    });
  }
  patterns.push({
    group: [...entries.flatMap((entry) => [`../${entry}.js`, `./${entry}.js`]), 'crisis-playbook', 'crisis-playbook/*', ...folders.filter((name) => !own.has(name) && !above.includes(name)).map((name) => `../${name}/*`)],
    message: 'Library code imports the module it needs, not an entry point (only the CLI and apps import entries).',
  });
  const external = ['xstate', 'zod'].filter((name) => !(layer.external ?? []).includes(name));
  if (external.length > 0) {
    patterns.push({ group: external.flatMap((name) => [name, `${name}/*`]), message: `The ${layer.name} layer does not use ${external.join(' or ')}.` });
  }
  return { files: layer.files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

export const layerRules = [
  ...layers.map((_, index) => rulesFor(index)),
  {
    // crisis-playbook/postgres is built on its own and uses the library as an app does: by the
    // package's name (one copy of its classes), never by reaching into the layers.
    files: ['src/postgres/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '!../postgres'], message: 'crisis-playbook/postgres imports the library by its entries (crisis-playbook, crisis-playbook/server).' }] }],
    },
  },
  {
    // The command line uses the library as an app does: through its entries (and the shared ground).
    files: ['src/cli/**', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: folders.filter((name) => name !== 'cli').map((name) => `../${name}/*`),
              message: 'The command line imports the entries (../index.js, ../server.js, ...), not the layers.',
            },
          ],
        },
      ],
    },
  },
  {
    // The examples (the responder console among them) use the library as an app does: through
    // its public entries (`crisis-playbook`, `crisis-playbook/visualize`, ...), never its files.
    files: ['examples/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(src|dist)(/|$)|^crisis-playbook/(?!(server|authoring|visualize|fr|postgres|playbook\\.schema\\.json)$)',
              message: 'Examples import the library through its public entries (crisis-playbook, crisis-playbook/visualize, ...), not its files.',
            },
          ],
        },
      ],
    },
  },
];
