import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Import boundaries between the processes (security property 20), plus the recommended rules. */
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'module', 'url', 'util', 'stream', 'worker_threads'];

export default tseslint.config(
  { ignores: ['out/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/main/**', '**/preload/**'], message: 'The renderer talks to main only through window.brokerVault.' },
            {
              group: [...nodeBuiltins, 'electron', 'better-sqlite3', 'keytar', 'electron-store', 'conf', 'undici'],
              message: 'The renderer is a sandboxed web page: no Node, Electron or native modules.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/main/**', '**/preload/**', '**/renderer/**'], message: 'shared is imported by every process and imports none of them.' },
            { group: [...nodeBuiltins, 'electron', 'better-sqlite3', 'keytar', 'react', 'react-dom', 'zustand'], message: 'shared is pure: only zod.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/renderer/**', '**/preload/**'], message: 'main does not import renderer or preload code.' },
            { group: ['react', 'react-dom', 'zustand', '@radix-ui/*'], message: 'main never imports UI libraries.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/main/**', '**/renderer/**'], message: 'preload only bridges the contract.' },
            { group: [...nodeBuiltins, 'better-sqlite3', 'keytar', 'zod'], message: 'a sandboxed preload can only use electron and the shared channel list.' },
          ],
        },
      ],
    },
  },
);
