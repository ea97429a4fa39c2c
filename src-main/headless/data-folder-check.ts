import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { UsageError } from './options.js';

/** What the data-folder check needs from the process (injectable for tests). */
export interface ProcessIdentity {
  uid: number | null;
  user: string;
  /** Throws (EACCES, EROFS) when this process cannot write into `path`. Default: fs.access. */
  canWrite?: (path: string) => Promise<void>;
}

const thisProcess = (): ProcessIdentity => ({
  uid: typeof process.getuid === 'function' ? process.getuid() : null,
  user: (() => {
    try {
      return os.userInfo().username;
    } catch {
      return 'this user';
    }
  })(),
});

/**
 * Refuses, before anything is written, a data folder this user cannot use: read-only, or
 * owned by another user (typically after one start with sudo). The message names the folder,
 * its owner and the fix, instead of failing later on EACCES deep inside the start. `inside`
 * are sub-folders checked too when they exist (the network's own folder).
 */
export async function assertUsableDataFolder(
  root: string,
  inside: string[] = [],
  who: ProcessIdentity = thisProcess(),
): Promise<void> {
  const folder = resolve(root);
  const info = await stat(folder).catch(() => null);
  if (!info) {
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new UsageError(
        `Cannot create the data folder ${folder} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ${dirname(folder)} is not writable by ${who.user}. ` +
          `Fix: create it for this user (sudo install -d -o ${who.user} -m 700 ${folder}) or pass --data-dir with a folder you own.`,
      );
    }
    return;
  }
  for (const path of [folder, ...inside.map((p) => resolve(folder, p))]) {
    await assertWritable(path, who);
  }
}

async function assertWritable(folder: string, who: ProcessIdentity): Promise<void> {
  const info = await stat(folder).catch(() => null);
  if (!info) return;
  if (!info.isDirectory()) {
    throw new UsageError(
      `The data folder ${folder} is a file, not a folder. Fix: move the file away, or pass --data-dir with a folder (it is created if missing).`,
    );
  }
  try {
    await (who.canWrite ?? ((p) => access(p, constants.W_OK | constants.X_OK)))(folder);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EROFS') {
      throw new UsageError(
        `The data folder ${folder} is on a read-only file system. Fix: pass --data-dir with a folder on a writable disk.`,
      );
    }
  }
  if (who.uid !== null && info.uid !== who.uid) {
    throw new UsageError(
      `The data folder ${folder} belongs to another user (uid ${info.uid}; was the node started once with sudo?) and ${who.user} cannot write to it. ` +
        `Fix: give it back (sudo chown -R ${who.user} ${folder}), run the node as its owner, or pass --data-dir with a folder you own.`,
    );
  }
  throw new UsageError(
    `The data folder ${folder} is read-only for ${who.user}. Fix: chmod u+rwx ${folder}, or pass --data-dir with a folder you own.`,
  );
}
