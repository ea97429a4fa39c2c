import { mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  identityPaths,
  IdentityExistsError,
  loadOrCreateIdentity,
  readStoredNodeId,
} from '../../../src-main/core/identity/identity-store.js';
import {
  KeystoreCorruptError,
  KeystoreSecretMissingError,
  KeystoreWrongSecretError,
} from '../../../src-main/core/identity/keystore-errors.js';
import { InvalidPrivateKeyError } from '../../../src-main/core/identity/node-identity.js';
import { EnvVault } from '../../../src-main/core/identity/vaults/env-vault.js';
import { PassphraseFileVault } from '../../../src-main/core/identity/vaults/passphrase-file-vault.js';
import { SafeStorageVault } from '../../../src-main/core/identity/vaults/safe-storage-vault.js';
import { resolveDataDirs, type DataDirs } from '../../../src-main/core/store/data-dirs.js';
import type { NetworkName } from '../../../src-main/core/protocol/networks.js';

const FAST = { scrypt: { N: 1 << 10 } };
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const OTHER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const posix = process.platform !== 'win32';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'identity-store-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function setup(network: NetworkName = 'testnet'): { dirs: DataDirs; vault: PassphraseFileVault } {
  const dirs = resolveDataDirs(root, network);
  return { dirs, vault: new PassphraseFileVault(identityPaths(dirs).passphraseFile) };
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    out[name] = (await readFile(join(dir, name))).toString('base64');
  }
  return out;
}

describe('loadOrCreateIdentity', () => {
  it('creates a key on first run (0600 file, 0700 folder) and loads the same one afterwards', async () => {
    const { dirs, vault } = setup();
    const first = await loadOrCreateIdentity({ dirs, vault, keystoreOptions: FAST });
    expect(first.created).toBe(true);
    expect(first.protection).toMatchObject({ kind: 'passphrase-file', protection: 'file' });
    const { keystore } = identityPaths(dirs);
    if (posix) {
      expect((await stat(keystore)).mode & 0o777).toBe(0o600);
      expect((await stat(dirs.keys)).mode & 0o777).toBe(0o700);
    }
    const again = await loadOrCreateIdentity({ dirs, vault, keystoreOptions: FAST });
    expect(again.created).toBe(false);
    expect(again.identity.nodeId).toBe(first.identity.nodeId);
    expect(await readStoredNodeId(dirs)).toBe(first.identity.nodeId);
    expect((await readdir(dirs.keys)).sort()).toEqual(['node-key.json', 'node-key.secret']);
  });

  it('imports a given key and gets the expected address', async () => {
    const { dirs, vault } = setup();
    const result = await loadOrCreateIdentity({
      dirs,
      vault,
      importPrivateKey: KEY,
      keystoreOptions: FAST,
    });
    expect(result.created).toBe(true);
    expect(result.identity.nodeId).toBe(ADDRESS);
    const again = await loadOrCreateIdentity({
      dirs,
      vault,
      importPrivateKey: KEY,
      keystoreOptions: FAST,
    });
    expect(again).toMatchObject({ created: false });
    expect(again.identity.nodeId).toBe(ADDRESS);
  });

  it('refuses to import over a different existing identity', async () => {
    const { dirs, vault } = setup();
    await loadOrCreateIdentity({ dirs, vault, importPrivateKey: KEY, keystoreOptions: FAST });
    const before = await snapshot(dirs.keys);
    const err = await loadOrCreateIdentity({
      dirs,
      vault,
      importPrivateKey: OTHER_KEY,
      keystoreOptions: FAST,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityExistsError);
    expect((err as Error).message).toContain(ADDRESS);
    expect(await snapshot(dirs.keys)).toEqual(before);
  });

  it('rejects a malformed import before writing anything', async () => {
    const { dirs, vault } = setup();
    await expect(
      loadOrCreateIdentity({ dirs, vault, importPrivateKey: '0x1234', keystoreOptions: FAST }),
    ).rejects.toBeInstanceOf(InvalidPrivateKeyError);
    expect(await readdir(dirs.keys)).toEqual([]);
  });

  it.each([
    ['truncated JSON', (text: string) => text.slice(0, text.length - 40)],
    [
      'valid JSON with a damaged field',
      (text: string) => {
        const json = JSON.parse(text) as { Crypto: { kdfparams: { dklen: number } } };
        json.Crypto.kdfparams.dklen = 31;
        return JSON.stringify(json);
      },
    ],
  ])(
    'on a corrupted key file (%s): KeystoreCorruptError, bytes unchanged, no new key',
    async (_name, damage) => {
      const { dirs, vault } = setup();
      await loadOrCreateIdentity({ dirs, vault, keystoreOptions: FAST });
      const { keystore } = identityPaths(dirs);
      await writeFile(keystore, damage(await readFile(keystore, 'utf8')));
      const before = await snapshot(dirs.keys);
      for (let attempt = 0; attempt < 2; attempt++) {
        const err = await loadOrCreateIdentity({ dirs, vault, keystoreOptions: FAST }).catch(
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(KeystoreCorruptError);
        expect((err as Error).message).toContain(keystore);
        expect((err as Error).message).toMatch(/move the file somewhere else/);
      }
      expect(await snapshot(dirs.keys)).toEqual(before);
      expect(await readStoredNodeId(dirs).catch((e: unknown) => e)).toBeInstanceOf(
        KeystoreCorruptError,
      );
    },
  );

  it('on a wrong secret: KeystoreWrongSecretError, nothing rewritten', async () => {
    const dirs = resolveDataDirs(root, 'testnet');
    const good = new EnvVault({ RESULTITY_KEY_PASSPHRASE: 'the original passphrase' });
    await loadOrCreateIdentity({ dirs, vault: good, keystoreOptions: FAST });
    const before = await snapshot(dirs.keys);
    const wrong = new EnvVault({ RESULTITY_KEY_PASSPHRASE: 'a different passphrase' });
    const err = await loadOrCreateIdentity({ dirs, vault: wrong, keystoreOptions: FAST }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KeystoreWrongSecretError);
    expect((err as Error).message).toContain('RESULTITY_KEY_PASSPHRASE');
    expect(await snapshot(dirs.keys)).toEqual(before);
  });

  it('when the secret file is gone: KeystoreSecretMissingError, no replacement secret is minted', async () => {
    const { dirs, vault } = setup();
    await loadOrCreateIdentity({ dirs, vault, keystoreOptions: FAST });
    await unlink(identityPaths(dirs).passphraseFile);
    const before = await snapshot(dirs.keys);
    const err = await loadOrCreateIdentity({ dirs, vault, keystoreOptions: FAST }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KeystoreSecretMissingError);
    expect(err).toBeInstanceOf(KeystoreWrongSecretError);
    expect(await snapshot(dirs.keys)).toEqual(before);
    expect(await readdir(dirs.keys)).toEqual(['node-key.json']);
  });

  it('keeps networks apart: a testnet identity is not found under mainnet', async () => {
    const testnet = setup('testnet');
    const mainnet = setup('mainnet');
    const t = await loadOrCreateIdentity({ ...testnet, keystoreOptions: FAST });
    const testnetFiles = await snapshot(testnet.dirs.keys);
    expect(await readStoredNodeId(mainnet.dirs)).toBeUndefined();
    const m = await loadOrCreateIdentity({ ...mainnet, keystoreOptions: FAST });
    expect(m.created).toBe(true);
    expect(m.identity.nodeId).not.toBe(t.identity.nodeId);
    expect(await snapshot(testnet.dirs.keys)).toEqual(testnetFiles);
    expect(await readStoredNodeId(testnet.dirs)).toBe(t.identity.nodeId);
    expect(await readStoredNodeId(mainnet.dirs)).toBe(m.identity.nodeId);
  });

  it('works end to end with the safeStorage vault', async () => {
    const dirs = resolveDataDirs(root, 'local');
    const storage = {
      isAsyncEncryptionAvailable: async () => true,
      encryptStringAsync: async (s: string) =>
        Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
      decryptStringAsync: async (b: Buffer) => ({
        result: Buffer.from(b.toString().slice(4), 'base64').toString(),
        shouldReEncrypt: false,
      }),
      getSelectedStorageBackend: () => 'basic_text' as const,
    };
    const vault = new SafeStorageVault(storage, identityPaths(dirs).safeStorageFile, 'linux');
    const first = await loadOrCreateIdentity({ dirs, vault, keystoreOptions: FAST });
    expect(first.protection.protection).toBe('weak');
    expect(first.protection.warning).toMatch(/GNOME Keyring/);
    const again = await loadOrCreateIdentity({ dirs, vault, keystoreOptions: FAST });
    expect(again.identity.nodeId).toBe(first.identity.nodeId);
  });
});
