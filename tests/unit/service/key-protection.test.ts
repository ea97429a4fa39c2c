import { describe, expect, it } from 'vitest';
import { assessPassphrase } from '../../../src-main/contract/index.js';
import { PassphraseFileVault } from '../../../src-main/core/identity/vaults/passphrase-file-vault.js';
import { EnvVault } from '../../../src-main/core/identity/vaults/env-vault.js';
import { SafeStorageVault } from '../../../src-main/core/identity/vaults/safe-storage-vault.js';
import { describeKeyProtection } from '../../../src-main/service/key-protection.js';

const storage = (backend: 'basic_text' | 'gnome_libsecret') => ({
  isAsyncEncryptionAvailable: async () => true,
  encryptStringAsync: async (s: string) => Buffer.from(s),
  decryptStringAsync: async (b: Buffer) => ({ result: b.toString(), shouldReEncrypt: false }),
  getSelectedStorageBackend: () => backend,
});

describe('what protects the key, derived from the vault in use', () => {
  it("the node's own passphrase file: anyone who copies the folder has the key; headless advice", () => {
    const d = describeKeyProtection(
      new PassphraseFileVault('/d/keys/node-key.secret').describe(),
      'headless',
    );
    expect(d.summary).toBe(
      'The key is unlocked by a secret file next to it (the key passphrase file /d/keys/node-key.secret): anyone who copies this folder has the key.',
    );
    expect(d.advice).toMatch(/systemd credential .*RESULTITY_KEY_PASSPHRASE_FILE/);
  });

  it('an operator-provided file or systemd credential: outside the folder, no advice needed', () => {
    const vault = new PassphraseFileVault('/run/credentials/x', {
      create: false,
      source: 'the systemd credential resultity-key-passphrase',
    });
    const d = describeKeyProtection(vault.describe(), 'headless');
    expect(d.summary).toMatch(
      /systemd credential resultity-key-passphrase, outside the data folder/,
    );
    expect(d.advice).toBeUndefined();
  });

  it('the environment: works, but /proc/<pid>/environ; advice to use a file', () => {
    const d = describeKeyProtection(
      new EnvVault({ RESULTITY_KEY_PASSPHRASE: 'x'.repeat(20) }).describe(),
      'headless',
    );
    expect(d.summary).toMatch(
      /RESULTITY_KEY_PASSPHRASE environment variable.*\/proc\/<pid>\/environ/,
    );
    expect(d.advice).toMatch(/systemd credential/);
  });

  it('desktop keychain vs. a keychain Electron keeps as plain text', () => {
    const real = describeKeyProtection(
      new SafeStorageVault(storage('gnome_libsecret'), '/k', 'linux').describe(),
      'desktop',
    );
    expect(real.summary).toMatch(
      /^The operating system's keychain protects the key \(the system keychain \(gnome_libsecret\)/,
    );
    expect(real.advice).toBeUndefined();
    const weak = describeKeyProtection(
      new SafeStorageVault(storage('basic_text'), '/k', 'linux').describe(),
      'desktop',
    );
    expect(weak.summary).toMatch(
      /secret file next to it .*anyone who copies this folder has the key/,
    );
    expect(weak.advice).toMatch(/GNOME Keyring or KWallet/);
    expect(weak.warning).toBeDefined();
  });
});

describe('backup passphrase strength', () => {
  it.each([
    ['', 'weak'],
    ['short', 'weak'],
    ['aaaaaaaaaaaaaaaa', 'weak'],
    ['password1234', 'weak'],
    ['qwertyuiop1234', 'weak'],
    ['abcdefghijklmnop', 'weak'],
  ])('%j is refused', (p, verdict) => {
    expect(assessPassphrase(p)).toMatchObject({ verdict, acceptable: false });
  });

  it.each(['violet canyon tractor mellow 42', 'k7#Qm2!vX9pL', 'correct horse battery staple'])(
    '%j is accepted',
    (p) => {
      expect(assessPassphrase(p).acceptable).toBe(true);
    },
  );
});
