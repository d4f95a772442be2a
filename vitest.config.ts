import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Suites that need a PostgreSQL server (*.server.test.ts) run when DATABASE_URL is set, as it
// always is on CI (.ci/run); without it they are left out, and this line says so.
const server = process.env['DATABASE_URL'] !== undefined && process.env['DATABASE_URL'] !== '';
if (!server) console.log('PostgreSQL server suites (test/*.server.test.ts) not run: DATABASE_URL is not set (CI sets it). PGlite suites run.');

export default defineConfig({
  resolve: {
    alias: [
      { find: /^crisis-playbook\/(server|authoring|visualize|fr)$/, replacement: fileURLToPath(new URL('./src/$1.ts', import.meta.url)) },
      { find: /^crisis-playbook\/postgres$/, replacement: fileURLToPath(new URL('./src/postgres/index.ts', import.meta.url)) },
      { find: /^crisis-playbook$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: server ? configDefaults.exclude : [...configDefaults.exclude, 'test/**/*.server.test.ts'],
    typecheck: { include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
