import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  KeystoreCorruptError,
  KeystoreMissingError,
  KeystoreWrongSecretError,
} from '../../../src-main/core/identity/keystore-errors.js';
import { loadKeystore, saveKeystore } from '../../../src-main/core/identity/keystore.js';
import { NodeIdentity } from '../../../src-main/core/identity/node-identity.js';
import { FileExistsError } from '../../../src-main/core/store/atomic-file.js';

const FAST = { scrypt: { N: 1 << 10 } };
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const posix = process.platform !== 'win32';

/** The parts of an ethers v3 key file the damage cases touch. */
interface KeyJson {
  version: number;
  address?: string;
  Crypto?: {
    cipher: string;
    cipherparams: { iv: string };
    ciphertext: string;
    kdfparams: { n: number };
    mac: string;
  };
}

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keystore-'));
  path = join(dir, 'keys', 'node-key.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function saved(secret = 'right secret'): Promise<NodeIdentity> {
  const id = NodeIdentity.fromPrivateKey(KEY);
  await saveKeystore(path, id, secret, FAST);
  return id;
}

describe('keystore', () => {
  it('round trips through a v3 JSON file (0600, folder 0700) without the plaintext key', async () => {
    const id = await saved();
    const text = await readFile(path, 'utf8');
    const json = JSON.parse(text) as { version: number; Crypto: { kdfparams: { n: number } } };
    expect(json.version).toBe(3);
    expect(json.Crypto.kdfparams.n).toBe(1024);
    expect(text.toLowerCase()).not.toContain(KEY.slice(2));
    if (posix) {
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'keys'))).mode & 0o777).toBe(0o700);
    }
    const loaded = await loadKeystore(path, 'right secret');
    expect(loaded.nodeId).toBe(id.nodeId);
    expect(loaded.sameKeyAs(id)).toBe(true);
  });

  it('uses the standard scrypt cost when no options are given', async () => {
    await saveKeystore(path, NodeIdentity.generate(), 's');
    const json = JSON.parse(await readFile(path, 'utf8')) as {
      Crypto: { kdfparams: { n: number } };
    };
    expect(json.Crypto.kdfparams.n).toBe(1 << 17);
  });

  it('never overwrites an existing key file', async () => {
    await saved();
    const before = await readFile(path);
    await expect(saveKeystore(path, NodeIdentity.generate(), 'x', FAST)).rejects.toBeInstanceOf(
      FileExistsError,
    );
    expect(await readFile(path)).toEqual(before);
  });

  it('reports a wrong secret as KeystoreWrongSecretError', async () => {
    await saved();
    const err = await loadKeystore(path, 'wrong secret', 'the test vault').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeystoreWrongSecretError);
    expect((err as Error).message).toContain('the test vault');
    expect((err as Error).message).toContain('left exactly as it was');
  });

  it('reports a missing file as KeystoreMissingError', async () => {
    await expect(loadKeystore(path, 's')).rejects.toBeInstanceOf(KeystoreMissingError);
  });

  it('reports truncated JSON as KeystoreCorruptError and leaves the bytes alone', async () => {
    await saved();
    const full = await readFile(path);
    const truncated = full.subarray(0, Math.floor(full.length / 2));
    await writeFile(path, truncated);
    const err = await loadKeystore(path, 'right secret').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeystoreCorruptError);
    expect((err as Error).message).toMatch(/not valid JSON/);
    expect((err as Error).message).toMatch(/Restore the key from your backup .*--import-key/);
    expect(await readFile(path)).toEqual(truncated);
  });

  // Each damage keeps the file valid JSON. Without structural validation several of these
  // would surface as a "wrong secret" (ethers only sees a MAC mismatch).
  const damages: [string, (json: KeyJson) => void, RegExp][] = [
    ['version', (j) => (j.version = 2), /version/],
    ['mac with a 0x prefix', (j) => (j.Crypto!.mac = `0x${j.Crypto!.mac}`), /mac/],
    [
      'short ciphertext',
      (j) => (j.Crypto!.ciphertext = j.Crypto!.ciphertext.slice(0, 60)),
      /ciphertext/,
    ],
    [
      'non-hex iv',
      (j) => (j.Crypto!.cipherparams.iv = 'zz' + j.Crypto!.cipherparams.iv.slice(2)),
      /iv/,
    ],
    ['scrypt n not a power of two', (j) => (j.Crypto!.kdfparams.n = 1000), /power of 2/],
    ['absurd scrypt cost', (j) => (j.Crypto!.kdfparams.n = 2 ** 30), /kdfparams/],
    ['unknown cipher', (j) => (j.Crypto!.cipher = 'aes-256-gcm'), /cipher/],
    ['missing crypto section', (j) => delete j.Crypto, /crypto/],
    [
      'address of another account',
      (j) => (j.address = '1111111111111111111111111111111111111111'),
      /address/,
    ],
  ];
  it.each(damages)(
    'reports a damaged field (%s) as KeystoreCorruptError',
    async (_name, damage, hint) => {
      await saved();
      const json = JSON.parse(await readFile(path, 'utf8')) as KeyJson;
      damage(json);
      const bytes = Buffer.from(JSON.stringify(json));
      await writeFile(path, bytes);
      const err = await loadKeystore(path, 'right secret').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KeystoreCorruptError);
      expect((err as Error).message).toMatch(hint);
      expect(await readFile(path)).toEqual(bytes);
    },
  );

  it('treats altered ciphertext bytes of the right shape as a wrong secret (MAC cannot tell)', async () => {
    await saved();
    const json = JSON.parse(await readFile(path, 'utf8')) as KeyJson;
    const c: string = json.Crypto!.ciphertext;
    json.Crypto!.ciphertext = (c[0] === '0' ? '1' : '0') + c.slice(1);
    await writeFile(path, JSON.stringify(json));
    const err = await loadKeystore(path, 'right secret').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeystoreWrongSecretError);
    expect((err as Error).message).toMatch(/or the file was modified/);
  });

  it('reports a file that is far too large, or not a file, as corrupt', async () => {
    const big = join(dir, 'big.json');
    await writeFile(big, ' '.repeat(100 * 1024));
    await expect(loadKeystore(big, 's')).rejects.toBeInstanceOf(KeystoreCorruptError);
    await expect(loadKeystore(dir, 's')).rejects.toBeInstanceOf(KeystoreCorruptError);
  });
});
