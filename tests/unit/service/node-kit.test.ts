// The node kit's own rules, the same for both hosts: one DEFAULT_SETTINGS, private exports,
// folders made before an owner binding is saved. The desktop host stands in here; the headless
// host runs the same checks in tests/integration/dashboard-server/headless-dashboard.test.ts.
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateIdentity } from '../../../src-main/core/identity/index.js';
import { composeDesktopNode } from '../../../src-main/desktop/desktop-node.js';
import type { NodeKit } from '../../../src-main/service/node-kit.js';
import { DEFAULT_SETTINGS } from '../../../src-main/service/settings-store.js';
import { fakeSafeStorage, noGpuSource } from '../../helpers/no-gpu.js';

const posix = process.platform !== 'win32';
let root: string;
let kit: NodeKit;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'node-kit-'));
});
afterEach(async () => {
  await kit?.close();
  await rm(root, { recursive: true, force: true });
});

async function desktop() {
  const composed = await composeDesktopNode({
    paths: { dataRoot: root, settingsFile: join(root, 'settings.json') },
    safeStorage: fakeSafeStorage,
    env: {},
    appVersion: '0.1.0-test',
    openFolder: async () => undefined,
    drainTimeoutMs: 1_000,
    logSink: () => undefined,
    testSeams: { gpu: noGpuSource(), setupChecks: async () => [] },
  });
  kit = composed.kit;
  return composed;
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('node kit', () => {
  it('starts from the one DEFAULT_SETTINGS, with the data folder the host names', async () => {
    const { service } = await desktop();
    expect(service.currentSettings()).toEqual({ ...DEFAULT_SETTINGS, dataDir: root });
  });

  it.runIf(posix)(
    'backs the key up into <data>/<network>/exports: folder 0700, file 0600',
    async () => {
      const { kit: k, service } = await desktop();
      // A folder left with looser rights (e.g. by an older version) is tightened.
      await mkdir(k.exportDir, { recursive: true, mode: 0o755 });
      await loadOrCreateIdentity({
        dirs: k.dirs,
        vault: k.vault,
        keystoreOptions: { scrypt: { N: 1 << 10 } },
      });
      const { path } = await service.invoke('backupKey', undefined);
      expect(dirname(path)).toBe(join(root, 'testnet', 'exports'));
      expect(path).toMatch(/resultity-node-key-testnet-[\dT-]+Z\.json$/);
      expect(await modeOf(dirname(path))).toBe(0o700);
      expect(await modeOf(path)).toBe(0o600);
    },
  );

  it('creates the data folders before it saves an owner binding', async () => {
    const { kit: k, service } = await desktop();
    await rm(k.dirs.base, { recursive: true, force: true });
    await service.invoke('bindAccount', { kind: 'email', email: 'op@example.com' });
    expect((await stat(k.dirs.base)).isDirectory()).toBe(true);
    await k.close();
    expect((await desktop()).kit.agent.state().owner).toEqual({
      kind: 'email',
      email: 'op@example.com',
    });
  });
});
