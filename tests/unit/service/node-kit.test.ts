// The node kit's own rules, the same for both hosts: one DEFAULT_SETTINGS, private exports,
// folders made before an owner binding is saved. The desktop host stands in here; the headless
// host runs the same checks in tests/integration/dashboard-server/headless-dashboard.test.ts.
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Wallet } from 'ethers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateIdentity } from '../../../src-main/core/identity/index.js';
import { composeDesktopNode } from '../../../src-main/desktop/desktop-node.js';
import type { NodeKit } from '../../../src-main/service/node-kit.js';
import { DEFAULT_SETTINGS } from '../../../src-main/service/settings-store.js';
import { DESKTOP_PAUSE_WHEN } from '../../../src-main/service/pause-triggers-settings.js';
import { fakeSafeStorage, noGpuSource } from '../../helpers/no-gpu.js';
import { keyDialogs } from '../../../src-main/desktop/key-dialogs.js';
import { fakeDialog } from '../../helpers/fake-key-dialogs.js';

const posix = process.platform !== 'win32';
const PASS = 'violet canyon tractor mellow 42';
let root: string;
let kit: NodeKit;
let dialog: ReturnType<typeof fakeDialog>;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'node-kit-'));
  dialog = fakeDialog({});
});
afterEach(async () => {
  await kit?.close();
  await rm(root, { recursive: true, force: true });
});

async function desktop(dataRoot = root) {
  const composed = await composeDesktopNode({
    paths: { dataRoot, settingsFile: join(dataRoot, 'settings.json') },
    safeStorage: fakeSafeStorage,
    env: {},
    appVersion: '0.1.0-test',
    openFolder: async () => undefined,
    keyDialogs: keyDialogs(dialog.dialog),
    drainTimeoutMs: 1_000,
    logSink: () => undefined,
    testSeams: { gpu: noGpuSource(), setupChecks: async () => [] },
  });
  kit = composed.kit;
  return composed;
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('node kit', () => {
  it('starts from the one DEFAULT_SETTINGS, with the data folder and pause triggers of its host', async () => {
    const { service } = await desktop();
    expect(service.currentSettings()).toEqual({
      ...DEFAULT_SETTINGS,
      pauseWhen: DESKTOP_PAUSE_WHEN,
      dataDir: root,
    });
  });

  it.runIf(posix)(
    'backs the key up into <data>/<network>/exports: folder 0700, file 0600',
    async () => {
      const { kit: k, service } = await desktop();
      // A folder left with looser rights (e.g. by an older version) is tightened.
      await mkdir(k.exportDir, { recursive: true, mode: 0o755 });
      const { identity } = await loadOrCreateIdentity({
        dirs: k.dirs,
        vault: k.vault,
        keystoreOptions: { scrypt: { N: 1 << 10 } },
      });
      // The save dialog opens in the private exports folder; the file is written where it says.
      dialog.answers.savePath = join(root, 'my-backup.json');
      const backup = await service.invoke('backupKey', { passphrase: PASS });
      const suggested = (dialog.shown[0]!.options as { defaultPath: string }).defaultPath;
      expect(dirname(suggested)).toBe(join(root, 'testnet', 'exports'));
      expect(suggested).toMatch(/resultity-node-key-testnet-0x[0-9a-fA-F]{8}-[\dT-]+Z\.json$/);
      expect(backup).toMatchObject({ path: join(root, 'my-backup.json'), nodeId: identity.nodeId });
      expect(backup.content).toBeUndefined(); // the desktop writes it; nothing crosses to the page
      expect(await modeOf(dirname(suggested))).toBe(0o700);
      expect(await modeOf(backup.path!)).toBe(0o600);
      const text = await readFile(backup.path!, 'utf8');
      expect((await Wallet.fromEncryptedJson(text, PASS)).address).toBe(backup.nodeId);
      // Cancelled dialog: nothing written, said so.
      dialog.answers.savePath = null;
      expect(await service.invoke('backupKey', { passphrase: PASS })).toMatchObject({ path: null });
    },
    60_000,
  );

  it('imports a backup on the desktop: picked and confirmed in the main process, old key kept aside', async () => {
    const source = await desktop(join(root, 'source'));
    const { identity } = await loadOrCreateIdentity({
      dirs: source.kit.dirs,
      vault: source.kit.vault,
      keystoreOptions: { scrypt: { N: 1 << 10 } },
    });
    dialog.answers.savePath = join(root, 'backup.json');
    await source.service.invoke('backupKey', { passphrase: PASS });
    await source.kit.close();

    // A fresh data folder: imported without a question; the page sees the node ID at once.
    const fresh = await desktop(join(root, 'fresh'));
    dialog.answers.openPath = join(root, 'backup.json');
    await expect(
      fresh.service.invoke('importKey', { passphrase: 'wrong passphrase here' }),
    ).rejects.toThrow(/does not unlock the key backup/);
    expect(await fresh.service.invoke('importKey', { passphrase: PASS })).toEqual({
      nodeId: identity.nodeId,
      outcome: 'imported',
    });
    expect(fresh.kit.agent.state().nodeId).toBe(identity.nodeId);
    expect(dialog.shown.some((d) => d.kind === 'confirm')).toBe(false);
    await fresh.kit.close();

    // A folder with another key: the confirm dialog decides; the old key file is kept aside.
    const other = await desktop(join(root, 'other'));
    const { identity: old } = await loadOrCreateIdentity({
      dirs: other.kit.dirs,
      vault: other.kit.vault,
      keystoreOptions: { scrypt: { N: 1 << 10 } },
    });
    dialog.answers.confirmReplace = false;
    await expect(other.service.invoke('importKey', { passphrase: PASS })).rejects.toThrow(
      /already has a different node key .*The import was cancelled; the current key stays\.$/,
    );
    dialog.answers.confirmReplace = true;
    const replaced = await other.service.invoke('importKey', { passphrase: PASS });
    expect(replaced).toMatchObject({ outcome: 'replaced', previousNodeId: old.nodeId });
    expect(await modeOf(replaced.keptAside!)).toBe(0o600);
    expect(dirname(replaced.keptAside!)).toBe(other.kit.dirs.keys);
    const confirm = dialog.shown.find((d) => d.kind === 'confirm')!.options as { detail: string };
    expect(confirm.detail).toContain(old.nodeId);
    expect(confirm.detail).toContain(identity.nodeId);
    // Production scrypt (N = 2^17) for every backup, unlock and save: seconds on a busy machine.
  }, 90_000);

  it('creates the data folders before it saves an owner binding', async () => {
    const first = await desktop();
    await loadOrCreateIdentity({
      dirs: first.kit.dirs,
      vault: first.kit.vault,
      keystoreOptions: { scrypt: { N: 1 << 10 } },
    });
    await first.kit.close();
    const { kit: k, service } = await desktop();
    await rm(k.dirs.settings, { recursive: true, force: true });
    const wallet = Wallet.createRandom();
    const { message } = await service.invoke('walletBindingMessage', { address: wallet.address });
    await service.invoke('bindWallet', { message, signature: wallet.signMessageSync(message) });
    expect((await stat(k.dirs.settings)).isDirectory()).toBe(true);
    await k.close();
    expect((await desktop()).kit.agent.state().account).toMatchObject({
      owner: { kind: 'wallet', address: wallet.address },
      state: 'pending',
    });
  });
});
