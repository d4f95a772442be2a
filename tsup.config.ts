import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // One build for the entries by purpose: what they share lives in shared chunks, so that a
    // machine compiled through one entry is known to the others (one registry, one set of
    // error classes).
    entry: {
      index: 'src/index.ts',
      server: 'src/server.ts',
      authoring: 'src/authoring.ts',
      visualize: 'src/visualize.ts',
      fr: 'src/fr.ts',
    },
    format: ['esm', 'cjs'],
    splitting: true,
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
    // crisis-playbook/postgres imports the main and server entries by the package's name and
    // leaves them external, so that every entry shares one copy of their classes (IncidentError). The
    // drivers are optional peers, loaded only by connectPostgres.
    entry: { postgres: 'src/postgres/index.ts' },
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { paths: { 'crisis-playbook': ['./src/index.ts'], 'crisis-playbook/server': ['./src/server.ts'] } } },
    clean: false,
    sourcemap: true,
    target: 'node20',
    external: ['crisis-playbook', 'xstate', 'zod', 'pg', '@electric-sql/pglite'],
    tsconfig: 'tsconfig.build.json',
  },
]);
