import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvVault } from '../../../src-main/core/identity/vaults/env-vault.js';
import { PassphraseFileVault } from '../../../src-main/core/identity/vaults/passphrase-file-vault.js';
import {
  SafeStorageVault,
  WEAK_KEYRING_WARNING,
  type AsyncSafeStorage,
  type LinuxStorageBackend,
} from '../../../src-main/core/identity/vaults/safe-storage-vault.js';
import { SecretVaultError } from '../../../src-main/core/identity/vaults/secret-vault.js';

const posix = process.platform !== 'win32';
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaults-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('PassphraseFileVault', () => {
  it('creates a random 32-byte secret in a 0600 file (folder 0700) and reads it back', async () => {
    const path = join(dir, 'keys', 'node-key.secret');
    const vault = new PassphraseFileVault(path);
    expect(await vault.loadSecret()).toBeUndefined();
    const secret = await vault.loadOrCreateSecret();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    if (posix) {
      expect(await modeOf(path)).toBe(0o600);
      expect(await modeOf(join(dir, 'keys'))).toBe(0o700);
    }
    expect(await new PassphraseFileVault(path).loadOrCreateSecret()).toBe(secret);
    expect(await new PassphraseFileVault(join(dir, 'other')).loadOrCreateSecret()).not.toBe(secret);
    expect(vault.describe()).toMatchObject({ kind: 'passphrase-file', protection: 'file' });
  });

  it.skipIf(!posix)('refuses a file other users can read, and leaves it unchanged', async () => {
    const path = join(dir, 'node-key.secret');
    await writeFile(path, 'operator-provided passphrase\n', { mode: 0o644 });
    const err = await new PassphraseFileVault(path).loadOrCreateSecret().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretVaultError);
    expect((err as SecretVaultError).problem).toBe('insecure');
    expect((err as Error).message).toContain('0644');
    expect((err as Error).message).toContain(`chmod 600 ${path}`);
    expect(await modeOf(path)).toBe(0o644);
    expect(await readFile(path, 'utf8')).toBe('operator-provided passphrase\n');
  });

  it('accepts an operator-provided 0600 file, ignoring one trailing newline; rejects an empty one', async () => {
    const path = join(dir, 'provided');
    await writeFile(path, 'correct horse battery staple\n', { mode: 0o600 });
    expect(await new PassphraseFileVault(path).loadOrCreateSecret()).toBe(
      'correct horse battery staple',
    );
    await writeFile(path, '', { mode: 0o600 });
    await expect(new PassphraseFileVault(path).loadOrCreateSecret()).rejects.toThrow(/is empty/);
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('hands out one secret when several callers create it at once', async () => {
    const path = join(dir, 'race.secret');
    const secrets = await Promise.all(
      Array.from({ length: 6 }, () => new PassphraseFileVault(path).loadOrCreateSecret()),
    );
    expect(new Set(secrets).size).toBe(1);
    expect((await readFile(path, 'utf8')).trim()).toBe(secrets[0]);
    expect(await readdir(dir)).toEqual(['race.secret']);
  });
});

describe('EnvVault', () => {
  it('reads RESULTITY_KEY_PASSPHRASE', async () => {
    const vault = new EnvVault({ RESULTITY_KEY_PASSPHRASE: 'a long enough passphrase' });
    expect(await vault.loadOrCreateSecret()).toBe('a long enough passphrase');
    expect(vault.describe()).toEqual({
      kind: 'environment',
      protection: 'environment',
      source: 'the RESULTITY_KEY_PASSPHRASE environment variable',
      // Always: the kernel keeps the variable in /proc/<pid>/environ.
      warning: expect.stringMatching(
        /^The passphrase in RESULTITY_KEY_PASSPHRASE stays readable in \/proc\/<pid>\/environ/,
      ),
    });
  });

  it.each([
    ['missing', {}, /RESULTITY_KEY_PASSPHRASE is not set/],
    ['empty', { RESULTITY_KEY_PASSPHRASE: '' }, /RESULTITY_KEY_PASSPHRASE is empty/],
  ])('gives a clear error when the variable is %s', async (_case, env, message) => {
    const vault = new EnvVault(env);
    for (const call of [() => vault.loadOrCreateSecret(), () => vault.loadSecret()]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SecretVaultError);
      expect((err as SecretVaultError).problem).toBe('missing');
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toMatch(/Set RESULTITY_KEY_PASSPHRASE/);
    }
  });

  it('warns about a short passphrase', () => {
    expect(new EnvVault({ RESULTITY_KEY_PASSPHRASE: 'short' }).describe().warning).toMatch(/short/);
  });
});

/** A stand-in for Electron's async safeStorage: XOR with a "keychain key" plus a tag. */
class FakeSafeStorage implements AsyncSafeStorage {
  available = true;
  keyByte = 0x5a;
  shouldReEncrypt = false;
  encryptCalls = 0;
  constructor(public backend: LinuxStorageBackend = 'gnome_libsecret') {}
  async isAsyncEncryptionAvailable(): Promise<boolean> {
    return this.available;
  }
  async encryptStringAsync(plainText: string): Promise<Buffer> {
    this.encryptCalls++;
    const body = Buffer.from(plainText, 'utf8').map((b) => b ^ this.keyByte);
    return Buffer.concat([Buffer.from([0xfe, this.keyByte]), body]);
  }
  async decryptStringAsync(
    encrypted: Buffer,
  ): Promise<{ result: string; shouldReEncrypt: boolean }> {
    if (encrypted[0] !== 0xfe || encrypted[1] !== this.keyByte) throw new Error('key mismatch');
    const body = encrypted.subarray(2).map((b) => b ^ this.keyByte);
    return { result: Buffer.from(body).toString('utf8'), shouldReEncrypt: this.shouldReEncrypt };
  }
  getSelectedStorageBackend(): LinuxStorageBackend {
    return this.backend;
  }
}

describe('SafeStorageVault', () => {
  it('round trips a secret stored encrypted in a 0600 file', async () => {
    const storage = new FakeSafeStorage();
    const path = join(dir, 'keys', 'node-key.safe-storage');
    const vault = new SafeStorageVault(storage, path, 'linux');
    const secret = await vault.loadOrCreateSecret();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const onDisk = await readFile(path);
    expect(onDisk.toString('latin1')).not.toContain(secret);
    if (posix) expect(await modeOf(path)).toBe(0o600);
    expect(await new SafeStorageVault(storage, path, 'linux').loadSecret()).toBe(secret);
    expect(vault.describe()).toMatchObject({ protection: 'os-keychain' });
    expect(vault.describe().warning).toBeUndefined();
  });

  it.each(['basic_text', 'unknown'] as const)(
    'reports a Linux %s backend as weak, with a plain warning',
    (backend) => {
      const d = new SafeStorageVault(
        new FakeSafeStorage(backend),
        join(dir, 'f'),
        'linux',
      ).describe();
      expect(d.protection).toBe('weak');
      expect(d.warning).toBe(WEAK_KEYRING_WARNING);
      expect(d.warning).toMatch(/only by file permissions/);
      expect(d.warning).toMatch(/GNOME Keyring or KWallet/);
    },
  );

  it('reports the OS keychain on macOS and Windows', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const storage = new FakeSafeStorage('basic_text'); // ignored off Linux
      expect(new SafeStorageVault(storage, join(dir, 'f'), platform).describe().protection).toBe(
        'os-keychain',
      );
    }
  });

  it('refuses to create a secret when encryption is unavailable', async () => {
    const storage = new FakeSafeStorage();
    storage.available = false;
    const path = join(dir, 'f');
    const err = await new SafeStorageVault(storage, path, 'linux')
      .loadOrCreateSecret()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretVaultError);
    expect((err as SecretVaultError).problem).toBe('unavailable');
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a secret the keychain cannot decrypt and never replaces it', async () => {
    const storage = new FakeSafeStorage();
    const path = join(dir, 'f');
    await new SafeStorageVault(storage, path, 'linux').loadOrCreateSecret();
    const before = await readFile(path);
    storage.keyByte = 0x33; // keychain reset
    const err = await new SafeStorageVault(storage, path, 'linux')
      .loadOrCreateSecret()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretVaultError);
    expect((err as Error).message).toMatch(/could not decrypt/);
    expect(await readFile(path)).toEqual(before);
  });

  it('re-encrypts the same secret when the keychain asks for it', async () => {
    const storage = new FakeSafeStorage();
    const path = join(dir, 'f');
    const vault = new SafeStorageVault(storage, path, 'linux');
    const secret = await vault.loadOrCreateSecret();
    const before = await readFile(path);
    storage.shouldReEncrypt = true;
    const oldKey = storage.keyByte;
    storage.keyByte = 0x77; // new key for encryption; old data must still decrypt once
    storage.decryptStringAsync = async (encrypted) => {
      const body = encrypted.subarray(2).map((b) => b ^ oldKey);
      return { result: Buffer.from(body).toString('utf8'), shouldReEncrypt: true };
    };
    expect(await vault.loadSecret()).toBe(secret);
    const after = await readFile(path);
    expect(after.equals(before)).toBe(false);
    expect(after[1]).toBe(0x77);
    expect(await readdir(dir)).toEqual(['f']);
  });
});
