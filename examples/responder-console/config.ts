// The Vite configuration of the responder console, shared by `npm run console` (main.ts) and
// the browser tests (test/console.browser.test.ts), which build it. The library is taken from
// its sources through its public entries only (`crisis-playbook`, `crisis-playbook/server`, ...),
// as an app takes it from the package.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { InlineConfig, Plugin } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const require = createRequire(import.meta.url);

/** The library's public entries, mapped to its sources. */
export const libraryEntries: Readonly<Record<string, string>> = {
  'crisis-playbook/server': here('../../src/server.ts'),
  'crisis-playbook/authoring': here('../../src/authoring.ts'),
  'crisis-playbook/visualize': here('../../src/visualize.ts'),
  'crisis-playbook': here('../../src/index.ts'),
};

/**
 * Serves mermaid's own browser bundle as `mermaid.min.js` next to the page (the console loads it
 * when it first draws the ladder): bundling mermaid would make every build several times slower.
 */
function mermaidScript(): Plugin {
  const file = require.resolve('mermaid/dist/mermaid.min.js');
  // Read once (3.5 MB), for every request of the dev server and the build.
  let source: Buffer | undefined;
  const script = () => (source ??= readFileSync(file));
  return {
    name: 'crisis-playbook-mermaid-script',
    configureServer(server) {
      server.middlewares.use('/mermaid.min.js', (_request, response) => {
        response.setHeader('content-type', 'text/javascript; charset=utf-8');
        response.end(script());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'mermaid.min.js', source: script() });
    },
  };
}

/** The console's Vite configuration: `outDir` for a build (default `examples/responder-console/dist`). */
export function consoleConfig(options: { readonly outDir?: string; readonly port?: number; readonly logLevel?: InlineConfig['logLevel'] } = {}): InlineConfig {
  return {
    configFile: false,
    root: here('.'),
    base: './',
    logLevel: options.logLevel ?? 'warn',
    clearScreen: false,
    plugins: [mermaidScript()],
    resolve: {
      alias: Object.entries(libraryEntries).map(([find, replacement]) => ({ find: new RegExp(`^${find.replace('/', '\\/')}$`), replacement })),
    },
    oxc: { jsx: { runtime: 'automatic' } },
    server: { port: options.port ?? 5173, strictPort: false, fs: { allow: [here('../..')] } },
    build: {
      outDir: options.outDir ?? here('./dist'),
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
      chunkSizeWarningLimit: 2000,
    },
  };
}
