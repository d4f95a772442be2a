import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Suites that need a PostgreSQL server (*.server.test.ts) run when DATABASE_URL is set, as it
// always is on CI (.ci/run); without it they are left out, and this line says so.
const server = process.env['DATABASE_URL'] !== undefined && process.env['DATABASE_URL'] !== '';
if (!server) console.log('PostgreSQL server suites (test/*.server.test.ts) not run: DATABASE_URL is not set (CI sets it). PGlite suites run.');

// The browser suites (*.browser.test.ts) drive the system's Chromium. CI always runs them
// (.ci/run installs Chromium and sets CHROMIUM_PATH; a wrong path fails the suite with what to
// install). Without CHROMIUM_PATH and without Debian's /usr/bin/chromium they are left out, so
// that npm test runs on a machine with only Node.js and npm, and this line says so.
const browser = Boolean(process.env['CHROMIUM_PATH']) || existsSync('/usr/bin/chromium');
if (!browser) {
  console.log('Browser suites (test/*.browser.test.ts) not run: no Chromium (apt-get install chromium, or set CHROMIUM_PATH; CI installs it).');
}
const excluded = [...(server ? [] : ['test/**/*.server.test.ts']), ...(browser ? [] : ['test/**/*.browser.test.ts'])];

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
    // Vitest's default outside watch mode is one worker fewer than the CPUs: one on a two-core
    // machine, where most of this suite's time is spent waiting on child processes (the CLI,
    // the examples, the guides), the database or the browser. One per CPU, and never fewer than
    // two, lets a waiting file and a busy one share the machine.
    maxWorkers: Math.max(2, availableParallelism()),
    // A test's time limit is there to stop a hang, not to measure speed: many tests start
    // processes (the CLI, tsx), and npm test runs the consumer tests and typedoc beside this
    // suite, so 5 s (Vitest's default) is too close on a busy two-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    exclude: [...configDefaults.exclude, ...excluded],
    typecheck: { include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
