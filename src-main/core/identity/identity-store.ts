import { join } from 'node:path';
import { FileExistsError } from '../store/atomic-file.js';
import { ensureDataDirs, type DataDirs } from '../store/data-dirs.js';
import { KeystoreMissingError, KeystoreSecretMissingError } from './keystore-errors.js';
import {
  decryptKeystoreFile,
  keystoreAddress,
  readKeystoreFile,
  saveKeystore,
  type KeystoreEncryptOptions,
  type KeystoreFile,
} from './keystore.js';
import { NodeIdentity } from './node-identity.js';
import type { SecretVault, VaultDescription } from './vaults/secret-vault.js';

/** Where one network's identity files live (all inside `dirs.keys`). */
export function identityPaths(dirs: DataDirs) {
  return {
    keystore: join(dirs.keys, 'node-key.json'),
    /** For PassphraseFileVault. */
    passphraseFile: join(dirs.keys, 'node-key.secret'),
    /** For SafeStorageVault. */
    safeStorageFile: join(dirs.keys, 'node-key.safe-storage'),
  };
}

/** An import was asked for, but this network already has a different identity. */
export class IdentityExistsError extends Error {
  override readonly name = 'IdentityExistsError';
  constructor(
    readonly path: string,
    readonly existingNodeId: string | undefined,
  ) {
    super(
      `This network already has a node identity${existingNodeId ? ` (node ID ${existingNodeId})` : ''} ` +
        `in ${path}. It was not replaced. To use the imported key instead, back up the current ` +
        'key, move the key file somewhere else, and import again.',
    );
  }
}

export interface LoadOrCreateIdentityOptions {
  dirs: DataDirs;
  vault: SecretVault;
  /** A private key to use instead of generating one, only when no identity exists yet. */
  importPrivateKey?: string;
  /** Tests lower the scrypt cost; production leaves this unset. */
  keystoreOptions?: KeystoreEncryptOptions;
}

export interface LoadedIdentity {
  identity: NodeIdentity;
  /** True when this call generated or imported the key and saved a new key file. */
  created: boolean;
  protection: VaultDescription;
}

/**
 * Loads this network's identity, or creates it on first run. An existing key file is never
 * replaced: a damaged or undecryptable one raises KeystoreCorruptError /
 * KeystoreWrongSecretError and stays byte-identical.
 */
export async function loadOrCreateIdentity(
  options: LoadOrCreateIdentityOptions,
): Promise<LoadedIdentity> {
  const { dirs, vault } = options;
  await ensureDataDirs(dirs);
  const path = identityPaths(dirs).keystore;
  const protection = vault.describe();
  // Validate an imported key before anything is written.
  const imported =
    options.importPrivateKey === undefined
      ? undefined
      : NodeIdentity.fromPrivateKey(options.importPrivateKey);

  const existing = await readIfPresent(path);
  if (existing) {
    return {
      identity: await unlock(path, existing, vault, protection, imported),
      created: false,
      protection,
    };
  }

  const secret = await vault.loadOrCreateSecret();
  // A vault that does not keep what it handed out would leave a key nobody can unlock.
  if ((await vault.loadSecret()) !== secret) {
    throw new Error(
      `The key secret could not be stored in ${protection.source}: reading it back gave a ` +
        'different value. No key file was written.',
    );
  }
  const identity = imported ?? NodeIdentity.generate();
  try {
    await saveKeystore(path, identity, secret, options.keystoreOptions);
  } catch (err) {
    if (!(err instanceof FileExistsError)) throw err;
    // Another process created the identity meanwhile: use theirs.
    const theirs = await readKeystoreFile(path);
    return {
      identity: await unlock(path, theirs, vault, protection, imported),
      created: false,
      protection,
    };
  }
  return { identity, created: true, protection };
}

async function readIfPresent(path: string): Promise<KeystoreFile | undefined> {
  try {
    return await readKeystoreFile(path);
  } catch (err) {
    if (err instanceof KeystoreMissingError) return undefined;
    throw err;
  }
}

async function unlock(
  path: string,
  file: KeystoreFile,
  vault: SecretVault,
  protection: VaultDescription,
  imported: NodeIdentity | undefined,
): Promise<NodeIdentity> {
  const recorded = keystoreAddress(file);
  if (imported && recorded !== undefined && recorded !== imported.nodeId) {
    throw new IdentityExistsError(path, recorded);
  }
  const secret = await vault.loadSecret();
  if (secret === undefined) throw new KeystoreSecretMissingError(path, protection.source);
  const identity = await decryptKeystoreFile(path, file, secret, protection.source);
  if (imported && !identity.sameKeyAs(imported))
    throw new IdentityExistsError(path, identity.nodeId);
  return identity;
}

/** The node ID recorded in this network's key file, without decrypting; undefined if none. */
export async function readStoredNodeId(dirs: DataDirs): Promise<string | undefined> {
  const file = await readIfPresent(identityPaths(dirs).keystore);
  return file ? keystoreAddress(file) : undefined;
}
