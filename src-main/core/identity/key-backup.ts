import { chmod, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DataDirs } from '../store/data-dirs.js';
import { ensureDataDirs } from '../store/data-dirs.js';
import {
  KeystoreCorruptError,
  KeystoreMissingError,
  KeystoreSecretMissingError,
  KeystoreWrongSecretError,
} from './keystore-errors.js';
import {
  decryptKeystoreFile,
  keystoreAddress,
  readKeystoreFile,
  saveKeystore,
  type KeystoreEncryptOptions,
  type KeystoreFile,
} from './keystore.js';
import { identityPaths } from './identity-store.js';
import type { NodeIdentity } from './node-identity.js';
import type { SecretVault } from './vaults/secret-vault.js';

/*
 * Backups are standard Web3 Secret Storage v3 key files (scrypt, aes-128-ctr) encrypted under a
 * passphrase the operator chose: EVM tools read them (Foundry's `--keystore FILE`, geth's
 * keystore folder, MetaMask's "import JSON file", ethers `Wallet.fromEncryptedJson`), and the node's own
 * `--import-key` and "Import key" read them back. The vault's secret never leaves the machine.
 */

/** The passphrase does not open the backup (or the file was altered). Nothing was changed. */
export class BackupPassphraseError extends Error {
  override readonly name = 'BackupPassphraseError';
  readonly code = 'wrong_passphrase';
  constructor(file: string, options?: { cause?: unknown }) {
    super(
      `The passphrase does not unlock the key backup ${file}. Type the passphrase that was chosen ` +
        'when the backup was made (it is case-sensitive). If it is right, the file was changed ' +
        'after it was saved. Nothing was imported or changed.',
      options,
    );
  }
}

/** The data folder holds another key and the operator did not confirm replacing it. */
export class ReplaceKeyNotConfirmedError extends Error {
  override readonly name = 'ReplaceKeyNotConfirmedError';
  readonly code = 'replace_not_confirmed';
  constructor(
    readonly existingNodeId: string | undefined,
    readonly importedNodeId: string,
    hint: string,
  ) {
    super(
      `This data folder already has a different node key${existingNodeId ? ` (node ID ${existingNodeId})` : ''}; ` +
        `the backup holds node ID ${importedNodeId}. Nothing was changed. ${hint}`,
    );
  }
}

/** Decrypts this network's key with the vault's secret and re-encrypts it under `passphrase`. */
export async function encryptKeyBackup(
  dirs: DataDirs,
  vault: SecretVault,
  passphrase: string,
  options: KeystoreEncryptOptions = {},
): Promise<{ nodeId: string; content: string }> {
  const identity = await unlockCurrent(dirs, vault);
  const content = await identity.encryptToKeystore(passphrase, options);
  return { nodeId: identity.nodeId, content };
}

async function unlockCurrent(dirs: DataDirs, vault: SecretVault): Promise<NodeIdentity> {
  const path = identityPaths(dirs).keystore;
  const file = await readKeystoreFile(path);
  const source = vault.describe().source;
  const secret = await vault.loadSecret();
  if (secret === undefined) throw new KeystoreSecretMissingError(path, source);
  return decryptKeystoreFile(path, file, secret, source);
}

/** The file to import is missing or is not a key file. Nothing was changed. */
export class BackupFileError extends Error {
  override readonly name = 'BackupFileError';
  readonly code = 'bad_backup_file';
}

/** Reads and decrypts a backup file with the operator's passphrase. */
export async function openKeyBackup(file: string, passphrase: string): Promise<NodeIdentity> {
  let backup: KeystoreFile;
  try {
    backup = await readKeystoreFile(file);
  } catch (err) {
    if (err instanceof KeystoreMissingError) {
      throw new BackupFileError(
        `There is no key backup at ${file}. Check the file's path. Nothing was imported.`,
        { cause: err },
      );
    }
    if (err instanceof KeystoreCorruptError) {
      throw new BackupFileError(
        `${file} is not a usable key backup: ${err.detail}. Choose the .json file saved with ` +
          '"Back up the key" (or another Ethereum key file). Nothing was imported.',
        { cause: err },
      );
    }
    throw err;
  }
  try {
    return await decryptKeystoreFile(file, backup, passphrase, 'the backup passphrase');
  } catch (err) {
    if (err instanceof KeystoreWrongSecretError)
      throw new BackupPassphraseError(file, { cause: err });
    throw err;
  }
}

export interface ImportKeyOptions {
  dirs: DataDirs;
  vault: SecretVault;
  /** The backup file (a v3 key file). */
  file: string;
  passphrase: string;
  /**
   * Asked only when the folder holds a different key: true replaces it (the old file is kept
   * aside), false refuses with ReplaceKeyNotConfirmedError carrying `refusalHint`.
   */
  confirmReplace: (existingNodeId: string | undefined, importedNodeId: string) => Promise<boolean>;
  refusalHint: string;
  now: () => number;
  keystoreOptions?: KeystoreEncryptOptions;
}

export interface ImportKeyResult {
  nodeId: string;
  /** 'same': the folder already held this very key; nothing was written. */
  outcome: 'imported' | 'replaced' | 'same';
  /** Where the replaced key file was kept (0600), when one was replaced. */
  keptAside?: string;
  previousNodeId?: string;
}

/**
 * Imports a backup into this network's data folder, encrypted under the vault's secret like a
 * key the node made itself. A different key already there is replaced only when confirmed, and
 * is then renamed with a timestamp (never deleted). The backup is decrypted before anything
 * is touched, so a wrong passphrase or a damaged file changes nothing.
 */
export async function importKeyBackup(o: ImportKeyOptions): Promise<ImportKeyResult> {
  const imported = await openKeyBackup(o.file, o.passphrase);
  await ensureDataDirs(o.dirs);
  const path = identityPaths(o.dirs).keystore;
  const existing = await readExisting(path);
  let keptAside: string | undefined;
  let previousNodeId: string | undefined;
  if (existing) {
    previousNodeId = existing.nodeId;
    const same =
      existing.nodeId === imported.nodeId && (await holdsKey(path, existing, o.vault, imported));
    if (same) return { nodeId: imported.nodeId, outcome: 'same' };
    if (!(await o.confirmReplace(existing.nodeId, imported.nodeId))) {
      throw new ReplaceKeyNotConfirmedError(existing.nodeId, imported.nodeId, o.refusalHint);
    }
    keptAside = join(o.dirs.keys, asideName(basename(path), o.now()));
    await rename(path, keptAside);
    await chmod(keptAside, 0o600);
  }
  const secret = await o.vault.loadOrCreateSecret();
  await saveKeystore(path, imported, secret, o.keystoreOptions);
  return {
    nodeId: imported.nodeId,
    outcome: keptAside ? 'replaced' : 'imported',
    ...(keptAside ? { keptAside } : {}),
    ...(previousNodeId ? { previousNodeId } : {}),
  };
}

/** `node-key.json` → `node-key.replaced-2026-12-02T13-04-05-123Z.json`. */
function asideName(name: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  return name.replace(/\.json$/, '') + `.replaced-${stamp}.json`;
}

async function readExisting(
  path: string,
): Promise<{ file: KeystoreFile | null; nodeId: string | undefined } | null> {
  try {
    const file = await readKeystoreFile(path);
    return { file, nodeId: keystoreAddress(file) };
  } catch (err) {
    if ((err as Error).name === 'KeystoreMissingError') return null;
    // A damaged key file is still a key file the operator may need: it counts as different.
    if (err instanceof KeystoreCorruptError) return { file: null, nodeId: undefined };
    throw err;
  }
}

/** The recorded address matches; true only when the file also decrypts to that very key. */
async function holdsKey(
  path: string,
  existing: { file: KeystoreFile | null },
  vault: SecretVault,
  imported: NodeIdentity,
): Promise<boolean> {
  if (!existing.file) return false;
  const secret = await vault.loadSecret().catch(() => undefined);
  if (secret === undefined) return false;
  try {
    const current = await decryptKeystoreFile(path, existing.file, secret, vault.describe().source);
    return current.sameKeyAs(imported);
  } catch {
    // Its secret is lost or wrong: re-saving the imported key under the vault's secret repairs it.
    return false;
  }
}
