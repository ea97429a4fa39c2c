import { hostname } from 'node:os';
import { join } from 'node:path';
import { readFile, unlink } from 'node:fs/promises';
import { z } from 'zod';
import { FileExistsError, isErrno, writeFileAtomic } from './atomic-file.js';

/** The lock file's name inside a network's data folder. */
export const LOCK_FILE = 'node.lock';

const LockRecord = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  since: z.string(),
});

/** Another live process holds the data folder. The message is what the operator sees. */
export class DataFolderLockedError extends Error {
  override readonly name = 'DataFolderLockedError';
  readonly code = 'already_running';
  constructor(
    readonly pid: number,
    readonly folder: string,
    readonly lockFile: string,
    readonly host?: string,
  ) {
    super(
      `Already running (PID ${pid}${host ? ` on ${host}` : ''}) on this folder: ${folder}. ` +
        'One node key must run in one process only, or the two fight over the network session. ' +
        'Stop the other node first, or give this one its own data folder. If no node is running, ' +
        `delete ${lockFile} and start again.`,
    );
  }
}

export interface DataFolderLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

export interface LockOptions {
  pid?: number;
  host?: string;
  /** Whether a process with this PID exists (tests pass a fake). */
  isAlive?: (pid: number) => boolean;
  now?: () => number;
}

/** `kill(pid, 0)` probes without signalling: EPERM still means the process exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrno(err, 'EPERM');
  }
}

/**
 * Takes the data folder for this process: an O_EXCL lock file holding the PID. A lock left by a
 * process that is gone (crash, power cut) is stale and taken over; a lock of a live process
 * is refused with DataFolderLockedError at once. A lock written on another host (a shared
 * network folder) cannot be probed and counts as live.
 */
export async function lockDataFolder(
  folder: string,
  options: LockOptions = {},
): Promise<DataFolderLock> {
  const path = join(folder, LOCK_FILE);
  const pid = options.pid ?? process.pid;
  const host = options.host ?? hostname();
  const isAlive = options.isAlive ?? processAlive;
  const record = JSON.stringify({
    pid,
    host,
    since: new Date(options.now?.() ?? Date.now()).toISOString(),
  });
  // Two tries: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // Written aside and hard-linked into place (O_EXCL semantics): a reader never sees a
      // half-written lock, so a torn file can only come from a crash.
      await writeFileAtomic(path, `${record}\n`, { mode: 0o600, exclusive: true });
      return { path, release: () => releaseIfOurs(path, pid, host) };
    } catch (err) {
      if (!(err instanceof FileExistsError)) throw err;
    }
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    const foreignHost = holder !== null && holder.host !== host;
    const live = holder !== null && holder.pid !== pid && (foreignHost || isAlive(holder.pid));
    if (live)
      throw new DataFolderLockedError(
        holder.pid,
        folder,
        path,
        foreignHost ? holder.host : undefined,
      );
    // Stale (dead PID, our own PID from an earlier run, or unreadable): take it over.
    await unlink(path).catch((e: unknown) => {
      if (!isErrno(e, 'ENOENT')) throw e;
    });
  }
  throw new Error(
    `Could not take the lock ${path}: another process keeps creating it. Is a node starting on this folder right now?`,
  );
}

async function readHolder(path: string): Promise<z.infer<typeof LockRecord> | null | 'gone'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 'gone';
    throw err;
  }
  try {
    const parsed = LockRecord.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    // Empty or torn (the holder died mid-write): nothing to respect.
    return null;
  }
}

async function releaseIfOurs(path: string, pid: number, host: string): Promise<void> {
  const holder = await readHolder(path).catch(() => null);
  if (holder === 'gone' || holder === null) return;
  if (holder.pid !== pid || holder.host !== host) return;
  await unlink(path).catch((e: unknown) => {
    if (!isErrno(e, 'ENOENT')) throw e;
  });
}
