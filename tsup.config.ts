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
  {
    // crisis-playbook/postgres imports the main entry by its package name and leaves it
    // external, so that both entries share one copy of its classes (IncidentError). The
    // drivers are optional peers, loaded only by connectPostgres.
    entry: { postgres: 'src/postgres/index.ts' },
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { paths: { 'crisis-playbook': ['./src/index.ts'] } } },
    clean: false,
    sourcemap: true,
    target: 'node20',
    external: ['crisis-playbook', 'xstate', 'zod', 'pg', '@electric-sql/pglite'],
    tsconfig: 'tsconfig.build.json',
  },
]);
