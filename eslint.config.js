import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import local from './eslint-plugin-local/layers.js';

/**
 * The layer table (docs/ARCHITECTURE.md): each folder imports only from the folders in its row.
 * Tests, scripts and build config are outside the table. 'electron' and ipcMain/ipcRenderer
 * have their own rules below.
 */
const LAYERS = [
  {
    folder: 'src-main/core',
    allow: ['src-main/core'],
    packages: 'any',
    says: 'core imports nothing outside core.',
  },
  {
    // Bundled by the renderer and the preload: it imports nothing outside itself, not even
    // types, and no package; its own files may share runtime helpers (errors.ts, ws-frames.ts).
    folder: 'src-main/contract',
    allow: ['src-main/contract'],
    packages: 'none',
    says: 'contract is self-contained (types and import-free helpers only).',
  },
  {
    folder: 'src-main/service',
    allow: ['src-main/service', 'src-main/core', 'src-main/contract'],
    // The embedded local network (headless --profile local, the desktop's Demo) loads the
    // devnet on demand (service/local-network.ts), so other networks never load it.
    dynamicOnly: ['src-main/devnet'],
    packages: 'any',
    says: 'service imports only core and contract; the devnet only through `await import()` (local network).',
  },
  {
    folder: 'src-main/desktop',
    allow: ['src-main/desktop', 'src-main/service', 'src-main/core', 'src-main/contract'],
    packages: 'any',
    says: 'desktop imports only service, core and contract.',
  },
  {
    folder: 'src-main/headless',
    // package.json: the agent version reported at registration (headless/version.ts).
    allow: [
      'src-main/headless',
      'src-main/service',
      'src-main/core',
      'src-main/contract',
      'package.json',
    ],
    // The local profile loads the devnet on demand, so other profiles never load it.
    dynamicOnly: ['src-main/devnet'],
    packages: 'any',
    says: 'headless imports service, core and contract; the devnet only through `await import()` (local profile).',
  },
  {
    // The reference network shares the protocol definitions with the node, and nothing else.
    folder: 'src-main/devnet',
    allow: [
      'src-main/devnet',
      'src-main/core/protocol',
      'src-main/core/clock.ts',
      'src-main/core/logger.ts',
      'src-main/core/store/atomic-file.ts',
    ],
    packages: 'any',
    says: 'devnet imports only core/protocol, core/clock, core/logger and core/store/atomic-file.',
  },
  {
    folder: 'src-renderer/src',
    allow: ['src-renderer/src', 'src-main/contract'],
    packages: 'browser',
    says: 'the renderer imports only the contract, and no Node.js module.',
  },
];

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
    files: ['src-main/**', 'src-renderer/src/**'],
    plugins: { local },
    rules: { 'local/layers': ['error', { root: import.meta.dirname, layers: LAYERS }] },
  },
  {
    // One way to subscribe: core/base's Emitter (listeners isolated, Disposable subscriptions).
    files: ['src-main/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        ...['node:events', 'events'].map((name) => ({
          name,
          importNames: ['EventEmitter'],
          message:
            'Use Emitter/Event from src-main/core/base/event.ts: subscriptions are Disposables and a throwing listener cannot stop the others.',
        })),
      ],
    },
  },
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
