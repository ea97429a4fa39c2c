import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FileExistsError, isErrno, writeFileAtomic } from '../../store/atomic-file.js';
import { SecretVaultError } from './secret-vault.js';

/** Shared file handling of the vaults that keep their secret in a file of their own. */

/**
 * Reads a secret file, or returns undefined if there is none. On POSIX refuses a file that
 * other users could read, without touching it.
 */
export async function readPrivateFile(path: string, what: string): Promise<Buffer | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw new SecretVaultError(
      'unreadable',
      `Cannot read ${what} ${path}: ${(err as Error).message}.`,
      {
        cause: err,
      },
    );
  }
  if (!info.isFile()) {
    throw new SecretVaultError('unreadable', `${capitalise(what)} ${path} is not a regular file.`);
  }
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new SecretVaultError(
      'insecure',
      `${capitalise(what)} ${path} can be read or changed by other users (permissions ${mode}). ` +
        `It was not used and not changed. Restrict it to your user with "chmod 600 ${path}" ` +
        'and start the node again.',
    );
  }
  try {
    return await readFile(path);
  } catch (err) {
    throw new SecretVaultError(
      'unreadable',
      `Cannot read ${what} ${path}: ${(err as Error).message}.`,
      {
        cause: err,
      },
    );
  }
}

/**
 * Creates a secret file (0600, folder 0700) unless one exists. Returns false if another writer
 * got there first; the caller then reads that one instead.
 */
export async function createPrivateFile(path: string, data: string | Uint8Array): Promise<boolean> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  try {
    await writeFileAtomic(path, data, { mode: 0o600, exclusive: true });
    return true;
  } catch (err) {
    if (err instanceof FileExistsError) return false;
    throw err;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
