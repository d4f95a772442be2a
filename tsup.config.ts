import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    sourcemap: true,
    target: 'node20',
    external: ['xstate', 'zod'],
    tsconfig: 'tsconfig.build.json',
  },
  {
    // The CLI is a separate entry: it uses only the public API, bundled in.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: false,
    target: 'node20',
    external: ['xstate', 'zod'],
    tsconfig: 'tsconfig.build.json',
  },
]);
