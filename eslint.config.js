import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layerRules } from './scripts/layers.js';

export default tseslint.config(
  { ignores: ['.scratch/', '.guides/', 'dist/', 'docs/api/', 'node_modules/', 'coverage/', 'examples/*/dist/', 'examples/*/node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // The layers of src/ point only down (docs/architecture.md): a back-edge fails the lint.
  ...layerRules,
  {
    files: ['**/*.test.ts', '**/*.test-d.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Type-level tests declare values only to take their types.
    files: ['**/*.test-d.ts'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
);
