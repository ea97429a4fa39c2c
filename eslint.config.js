import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noElectron = {
  paths: [{ name: 'electron', message: "Only src-main/desktop may import 'electron'." }],
  patterns: [{ group: ['electron/*'], message: "Only src-main/desktop may import 'electron'." }],
};

export default tseslint.config(
  {
    ignores: [
      '.tmp-*/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-artifacts/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The agent, the devnet, the headless entry and the UI contract run in plain Node.
    files: [
      'src-main/core/**',
      'src-main/devnet/**',
      'src-main/headless/**',
      'src-main/contract/**',
    ],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks only through the contract bridge.' },
          ],
          patterns: [
            {
              group: ['**/src-main/core/**', '**/core/**'],
              message: 'The renderer depends only on src-main/contract.',
            },
          ],
        },
      ],
    },
  },
  {
    // ipcMain/ipcRenderer only inside the IPC helpers.
    files: ['src-main/desktop/**'],
    ignores: ['src-main/desktop/ipc/**', 'src-main/desktop/preload.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportSpecifier[imported.name=/^ipc(Main|Renderer)$/]',
          message: 'Use the typed IPC helpers in src-main/desktop/ipc/.',
        },
      ],
    },
  },
);
