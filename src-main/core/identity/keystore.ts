import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { decryptKeystoreJson, getAddress, isError } from 'ethers';
import { describeZodIssues, isErrno, writeFileAtomic } from '../store/atomic-file.js';
import {
  KeystoreCorruptError,
  KeystoreMissingError,
  KeystoreWrongSecretError,
} from './keystore-errors.js';
import { KeystoreV3, MAX_KEYSTORE_BYTES } from './keystore-format.js';
import { NodeIdentity, type KeystoreEncryptOptions } from './node-identity.js';

/*
 * How a wrong secret is told apart from a damaged file: the file is first validated
 * structurally (keystore-format.ts: JSON, version 3, cipher, hex lengths, KDF parameters and
 * limits, MAC format). Any failure there is KeystoreCorruptError. Only a well-formed file is
 * decrypted; a MAC mismatch then means "wrong secret" (KeystoreWrongSecretError), whose
 * message also names the other possibility (ciphertext bytes altered), which the MAC alone
 * cannot distinguish. A MAC that matches but yields an unusable key or an address that
 * differs from the recorded one is KeystoreCorruptError.
 */

export type { KeystoreEncryptOptions };

export interface KeystoreFile {
  /** The exact text on disk (decryption reads this, never a re-serialised copy). */
  readonly text: string;
  readonly data: KeystoreV3;
}

async function readBoundedText(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new KeystoreMissingError(path);
    throw new Error(`Cannot open the node key file ${path}: ${(err as Error).message}.`, {
      cause: err,
    });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new KeystoreCorruptError(path, 'it is not a regular file');
    if (info.size > MAX_KEYSTORE_BYTES) {
      throw new KeystoreCorruptError(
        path,
        `it is ${info.size} bytes, far too large for a key file`,
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Reads and structurally validates a key file. Never decrypts, never writes. */
export async function readKeystoreFile(path: string): Promise<KeystoreFile> {
  const text = await readBoundedText(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new KeystoreCorruptError(path, 'it is not valid JSON (it may be truncated)', {
      cause: err,
    });
  }
  const parsed = KeystoreV3.safeParse(json);
  if (!parsed.success) {
    throw new KeystoreCorruptError(
      path,
      `it is not a valid version 3 key file (${describeZodIssues(parsed.error)})`,
      { cause: parsed.error },
    );
  }
  return { text, data: parsed.data };
}

/** The node ID recorded in a key file (checksummed), without decrypting it. */
export function keystoreAddress(file: KeystoreFile): string | undefined {
  const raw = file.data.address;
  if (raw === undefined) return undefined;
  return getAddress(raw.startsWith('0x') ? raw : `0x${raw}`);
}

/** Decrypts an already-read key file. */
export async function decryptKeystoreFile(
  path: string,
  file: KeystoreFile,
  secret: string,
  secretSource: string,
): Promise<NodeIdentity> {
  let privateKey: string;
  try {
    ({ privateKey } = await decryptKeystoreJson(file.text, secret));
  } catch (err) {
    if (isError(err, 'INVALID_ARGUMENT') && err.argument === 'password') {
      throw new KeystoreWrongSecretError(path, secretSource, undefined, { cause: err });
    }
    const detail =
      isError(err, 'INVALID_ARGUMENT') && err.argument === 'address'
        ? 'the address recorded in it does not match the key inside it'
        : `its content cannot be decrypted (${(err as Error).message.split(' (')[0]})`;
    throw new KeystoreCorruptError(path, detail, { cause: err });
  }
  try {
    return NodeIdentity.fromPrivateKey(privateKey);
  } catch (err) {
    throw new KeystoreCorruptError(path, 'the key inside it is not a valid private key', {
      cause: err,
    });
  }
}

/**
 * Loads and decrypts the key file at `path`. Throws KeystoreMissingError, KeystoreCorruptError
 * or KeystoreWrongSecretError; never modifies the file.
 */
export async function loadKeystore(
  path: string,
  secret: string,
  secretSource = 'the configured secret store',
): Promise<NodeIdentity> {
  const file = await readKeystoreFile(path);
  return decryptKeystoreFile(path, file, secret, secretSource);
}

/**
 * Encrypts `identity` with `secret` and writes it to `path` (0600, folder 0700). Refuses to
 * replace an existing file (FileExistsError): a key file is never overwritten.
 * Production passes no options (ethers' default scrypt cost, ~0.5 s); tests pass a lower N.
 */
export async function saveKeystore(
  path: string,
  identity: NodeIdentity,
  secret: string,
  options: KeystoreEncryptOptions = {},
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const json = await identity.encryptToKeystore(secret, options);
  await writeFileAtomic(path, json, { mode: 0o600, exclusive: true });
}
