import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The subpath first: an alias also matches the specifiers that start with it and a slash.
    alias: [
      { find: 'crisis-playbook/postgres', replacement: fileURLToPath(new URL('./src/postgres/index.ts', import.meta.url)) },
      { find: 'crisis-playbook', replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
