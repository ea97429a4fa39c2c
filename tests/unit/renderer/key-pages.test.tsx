// @vitest-environment happy-dom
// The node key on the Settings page and the desktop's first run: what protects the key (from the
// node's own words), the backup passphrase with strength feedback, the headless download, and
// "Import key" (desktop only).
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OverviewPage } from '../../../src-renderer/src/pages/OverviewPage.js';
import { SettingsPage } from '../../../src-renderer/src/pages/SettingsPage.js';
import { setBridge } from '../../../src-renderer/src/stores/bridge-ref.js';
import { applySnapshot } from '../../../src-renderer/src/stores/wire-stores.js';
import { FakeBridge, snapshot } from './fake-bridge.js';
import { resetAllStores } from './reset-stores.js';
import { mount, unmountAll } from './mount.js';

const text = (el: Element) => (el.textContent ?? '').replace(/\s+/g, ' ');
const byTestId = <T extends Element = HTMLElement>(page: Element, id: string) =>
  page.querySelector(`[data-testid="${id}"]`) as T | null;

/** Types into a React-controlled input the way a browser does. */
async function type(input: HTMLInputElement, value: string) {
  await act(async () => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
async function click(el: HTMLElement) {
  await act(async () => {
    el.click();
    await new Promise((r) => setTimeout(r, 0));
  });
}

beforeEach(() => resetAllStores({ schedule: () => undefined }));
afterEach(async () => {
  await unmountAll();
  resetAllStores();
  vi.restoreAllMocks();
});

const PASS = 'violet canyon tractor mellow 42';

function withProtection(host: 'desktop' | 'headless', summary: string, advice?: string) {
  const base = snapshot({ host });
  return snapshot({
    host,
    node: { ...base.node, keyProtection: { kind: 'file', summary, ...(advice ? { advice } : {}) } },
  });
}

describe('Settings → Node key', () => {
  it('states what protects the key, as the node describes its vault, and how to do better', async () => {
    applySnapshot(
      withProtection(
        'headless',
        'The key is unlocked by a secret file next to it (x): anyone who copies this folder has the key.',
        'On a headless rig, keep the passphrase out of the data folder: a systemd credential.',
      ),
    );
    const page = await mount(<SettingsPage />);
    expect(text(byTestId(page, 'key-protection-summary')!)).toContain(
      'anyone who copies this folder has the key',
    );
    expect(text(byTestId(page, 'key-protection-advice')!)).toContain('systemd credential');
    // The headless dashboard cannot import (the CLI does): no Import card.
    expect(byTestId(page, 'import-key')).toBeNull();
  });

  it('backup: weak passphrases are refused as typed; a strong, repeated one saves (desktop)', async () => {
    applySnapshot(withProtection('desktop', 'The operating system keychain protects the key.'));
    const bridge = new FakeBridge().handle('backupKey', () => ({
      nodeId: '0xabc',
      path: '/home/op/backup.json',
      fileName: 'backup.json',
    }));
    setBridge(bridge);
    const page = await mount(<SettingsPage />);
    const button = byTestId<HTMLButtonElement>(page, 'backup-key')!;
    expect(button.disabled).toBe(true);
    await type(byTestId(page, 'backup-passphrase')!, 'short');
    expect(text(byTestId(page, 'backup-strength')!)).toMatch(/^Weak\. Too short: use at least 12/);
    await type(byTestId(page, 'backup-passphrase')!, 'password1234');
    expect(text(byTestId(page, 'backup-strength')!)).toMatch(/^Weak\. Too easy to guess/);
    expect(button.disabled).toBe(true);
    await type(byTestId(page, 'backup-passphrase')!, PASS);
    expect(text(byTestId(page, 'backup-strength')!)).toMatch(/^(Good|Strong)\./);
    await type(byTestId(page, 'backup-passphrase-again')!, `${PASS}x`);
    expect(text(page)).toContain('The two passphrases differ.');
    expect(button.disabled).toBe(true);
    await type(byTestId(page, 'backup-passphrase-again')!, PASS);
    expect(button.disabled).toBe(false);
    await click(button);
    expect(bridge.calls).toEqual([{ command: 'backupKey', arg: { passphrase: PASS } }]);
    expect(text(byTestId(page, 'backup-done')!)).toContain('Saved to /home/op/backup.json');
    // The passphrase does not linger in the form.
    expect(byTestId<HTMLInputElement>(page, 'backup-passphrase')!.value).toBe('');
  });

  it('backup on a headless node: the file the node returns is downloaded by the browser', async () => {
    applySnapshot(withProtection('headless', 'A passphrase file outside the data folder.'));
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      created.push(b as Blob);
      return 'blob:backup';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this.download);
    });
    setBridge(
      new FakeBridge().handle('backupKey', () => ({
        nodeId: '0xabc',
        path: '/data/local/exports/k.json',
        fileName: 'k.json',
        content: '{"version":3}',
      })),
    );
    const page = await mount(<SettingsPage />);
    await type(byTestId(page, 'backup-passphrase')!, PASS);
    await type(byTestId(page, 'backup-passphrase-again')!, PASS);
    await click(byTestId(page, 'backup-key')!);
    expect(clicked).toEqual(['k.json']);
    expect(await created[0]!.text()).toBe('{"version":3}');
    expect(text(byTestId(page, 'backup-done')!)).toContain(
      'Downloaded k.json; a copy is in /data/local/exports/k.json',
    );
  });

  it('desktop "Import key": only the passphrase crosses; the outcome is said plainly', async () => {
    applySnapshot(withProtection('desktop', 'The operating system keychain protects the key.'));
    const bridge = new FakeBridge().handle('importKey', () => ({
      outcome: 'replaced',
      nodeId: '0xNEW',
      previousNodeId: '0xOLD',
      keptAside: '/keys/node-key.replaced-1.json',
    }));
    setBridge(bridge);
    const page = await mount(<SettingsPage />);
    await type(byTestId(page, 'import-passphrase')!, 'the backup passphrase');
    await click(byTestId(page, 'import-key')!);
    expect(bridge.calls).toEqual([
      { command: 'importKey', arg: { passphrase: 'the backup passphrase' } },
    ]);
    expect(text(page)).toContain(
      'Imported: this app now runs as node 0xNEW. The previous key (node 0xOLD) was kept as /keys/node-key.replaced-1.json.',
    );
  });
});

describe('Overview first run (desktop, no key yet)', () => {
  it('offers to import an existing key before the first Start; not once a key exists', async () => {
    const base = snapshot({ host: 'desktop' });
    applySnapshot(snapshot({ host: 'desktop', node: { ...base.node, nodeId: null } }));
    const page = await mount(<OverviewPage />);
    expect(text(page)).toContain('The first Start creates a new node key for this network.');
    expect(byTestId(page, 'import-key')).not.toBeNull();
    await act(async () => applySnapshot(base));
    expect(byTestId(page, 'import-key')).toBeNull();
  });

  it('a headless dashboard never offers it', async () => {
    const base = snapshot({ host: 'headless' });
    applySnapshot(snapshot({ host: 'headless', node: { ...base.node, nodeId: null } }));
    const page = await mount(<OverviewPage />);
    expect(byTestId(page, 'import-key')).toBeNull();
  });
});
