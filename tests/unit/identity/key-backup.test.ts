import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  identityPaths,
  loadOrCreateIdentity,
} from '../../../src-main/core/identity/identity-store.js';
import {
  BackupPassphraseError,
  ReplaceKeyNotConfirmedError,
  encryptKeyBackup,
  importKeyBackup,
} from '../../../src-main/core/identity/key-backup.js';
import { PassphraseFileVault } from '../../../src-main/core/identity/vaults/passphrase-file-vault.js';
import { resolveDataDirs, type DataDirs } from '../../../src-main/core/store/data-dirs.js';

const FAST = { scrypt: { N: 1 << 10 } };
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const OTHER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const PASS = 'violet canyon tractor mellow 42';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'key-backup-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function folder(name: string): { dirs: DataDirs; vault: PassphraseFileVault } {
  const dirs = resolveDataDirs(join(root, name), 'testnet');
  return { dirs, vault: new PassphraseFileVault(identityPaths(dirs).passphraseFile) };
}

async function backupOf(key: string, name: string): Promise<string> {
  const { dirs, vault } = folder(name);
  await loadOrCreateIdentity({ dirs, vault, importPrivateKey: key, keystoreOptions: FAST });
  const { content } = await encryptKeyBackup(dirs, vault, PASS, FAST);
  const file = join(root, `${name}-backup.json`);
  await writeFile(file, content);
  return file;
}

const never = async () => false;
const base = { passphrase: PASS, refusalHint: 'Pass --force.', now: () => Date.UTC(2026, 0, 2) };

describe('key backup (Web3 Secret Storage v3 under the operator passphrase)', () => {
  it('is a standard keystore any EVM tool opens with the passphrase, and not with the vault secret', async () => {
    const { dirs, vault } = folder('a');
    await loadOrCreateIdentity({ dirs, vault, importPrivateKey: KEY, keystoreOptions: FAST });
    const { nodeId, content } = await encryptKeyBackup(dirs, vault, PASS, FAST);
    expect(nodeId).toBe(ADDRESS);
    const json = JSON.parse(content) as { version: number; Crypto?: { kdf: string } };
    expect(json.version).toBe(3);
    expect(json.Crypto?.kdf).toBe('scrypt');
    expect(content.toLowerCase()).not.toContain(KEY.slice(2));
    expect((await Wallet.fromEncryptedJson(content, PASS)).address).toBe(ADDRESS);
    const vaultSecret = await vault.loadSecret();
    await expect(Wallet.fromEncryptedJson(content, vaultSecret!)).rejects.toThrow(/password/);
  });

  it('imports into a fresh data folder: same node ID, encrypted under that folder’s vault', async () => {
    const file = await backupOf(KEY, 'a');
    const { dirs, vault } = folder('fresh');
    const result = await importKeyBackup({
      ...base,
      dirs,
      vault,
      file,
      confirmReplace: never,
      keystoreOptions: FAST,
    });
    expect(result).toEqual({ nodeId: ADDRESS, outcome: 'imported' });
    const loaded = await loadOrCreateIdentity({ dirs, vault, keystoreOptions: FAST });
    expect(loaded).toMatchObject({ created: false });
    expect(loaded.identity.nodeId).toBe(ADDRESS);
    expect((await stat(identityPaths(dirs).keystore)).mode & 0o777).toBe(0o600);
  });

  it('a wrong passphrase changes nothing and says so', async () => {
    const file = await backupOf(KEY, 'a');
    const { dirs, vault } = folder('fresh');
    const attempt = importKeyBackup({
      ...base,
      passphrase: 'not the passphrase at all',
      dirs,
      vault,
      file,
      confirmReplace: never,
    });
    await expect(attempt).rejects.toBeInstanceOf(BackupPassphraseError);
    await expect(attempt).rejects.toThrow(/does not unlock the key backup .*Nothing was imported/);
    await expect(stat(identityPaths(dirs).keystore)).rejects.toThrow(/ENOENT/);
  });

  it('a different key in the folder is replaced only when confirmed, and kept aside (0600)', async () => {
    const file = await backupOf(KEY, 'a');
    const { dirs, vault } = folder('b');
    await loadOrCreateIdentity({ dirs, vault, importPrivateKey: OTHER_KEY, keystoreOptions: FAST });
    const before = await readFile(identityPaths(dirs).keystore, 'utf8');
    const asked: unknown[] = [];

    const refused = importKeyBackup({
      ...base,
      dirs,
      vault,
      file,
      confirmReplace: async (...ids) => (asked.push(ids), false),
    });
    await expect(refused).rejects.toBeInstanceOf(ReplaceKeyNotConfirmedError);
    await expect(refused).rejects.toThrow(/already has a different node key .*Pass --force\.$/);
    expect(await readFile(identityPaths(dirs).keystore, 'utf8')).toBe(before);

    const other = new Wallet(OTHER_KEY).address;
    const result = await importKeyBackup({
      ...base,
      dirs,
      vault,
      file,
      confirmReplace: async (...ids) => (asked.push(ids), true),
      keystoreOptions: FAST,
    });
    expect(asked).toEqual([
      [other, ADDRESS],
      [other, ADDRESS],
    ]);
    expect(result).toMatchObject({ nodeId: ADDRESS, outcome: 'replaced', previousNodeId: other });
    expect(result.keptAside).toBe(
      join(dirs.keys, 'node-key.replaced-2026-01-02T00-00-00-000Z.json'),
    );
    expect(await readFile(result.keptAside!, 'utf8')).toBe(before);
    expect((await stat(result.keptAside!)).mode & 0o777).toBe(0o600);
    const loaded = await loadOrCreateIdentity({ dirs, vault, keystoreOptions: FAST });
    expect(loaded.identity.nodeId).toBe(ADDRESS);
  });

  it('the same key again is a no-op, without asking', async () => {
    const file = await backupOf(KEY, 'a');
    const { dirs, vault } = folder('a');
    const files = await readdir(dirs.keys);
    const result = await importKeyBackup({ ...base, dirs, vault, file, confirmReplace: never });
    expect(result).toEqual({ nodeId: ADDRESS, outcome: 'same' });
    expect(await readdir(dirs.keys)).toEqual(files);
  });

  it('refuses a file that is not a key file, before touching the folder', async () => {
    const file = join(root, 'notes.txt');
    await writeFile(file, 'hello');
    const { dirs, vault } = folder('fresh');
    await expect(
      importKeyBackup({ ...base, dirs, vault, file, confirmReplace: never }),
    ).rejects.toThrow(
      /notes\.txt is not a usable key backup: it is not valid JSON .*Nothing was imported\.$/,
    );
    await expect(
      importKeyBackup({
        ...base,
        dirs,
        vault,
        file: join(root, 'nope.json'),
        confirmReplace: never,
      }),
    ).rejects.toThrow(/^There is no key backup at .*nope\.json\. Check the file's path\./);
    await expect(stat(dirs.base)).rejects.toThrow(/ENOENT/);
  });
});
