import { mkdir, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SignedSnapshot } from '../protocol/index.js';
import { Digest } from '../protocol/index.js';
import {
  JsonFileError,
  isErrno,
  parseJsonText,
  readJsonFile,
  writeFileAtomic,
} from '../store/atomic-file.js';
import type { DataDirs } from '../store/data-dirs.js';

/** What the node last applied, and the replay floor (highest serial ever applied). */
export const AppliedRecord = z.object({
  digest: Digest,
  serial: z.number().int().positive(),
  applied_at: z.number().int().nonnegative(),
  highest_serial: z.number().int().positive(),
  /** The digest applied under highest_serial (a reused serial with other content is refused). */
  highest_digest: Digest.optional(),
  /** Digests the operator rolled back from: not re-applied until a newer serial appears. */
  held_back: z.array(Digest).default([]),
});
export type AppliedRecord = z.infer<typeof AppliedRecord>;

export interface HistoryEntry {
  file: string;
  serial: number;
  digest: string;
}

const FILE_RE = /^(\d{10})-([0-9a-f]{64})\.json$/;

/**
 * Signed snapshots on disk, one network: every applied snapshot is kept (bounded) in
 * `snapshots/history/` exactly as the network signed it, and `snapshots/applied.json` names
 * the one in use. All writes are atomic, so a crash leaves the old or the new state.
 */
export class SnapshotStore {
  readonly historyDir: string;
  readonly appliedPath: string;

  constructor(readonly dirs: DataDirs) {
    this.historyDir = join(dirs.snapshots, 'history');
    this.appliedPath = join(dirs.snapshots, 'applied.json');
  }

  fileFor(serial: number, digest: string): string {
    return `${String(serial).padStart(10, '0')}-${digest.replace(/^sha256:/, '')}.json`;
  }

  pathOf(file: string): string {
    return join(this.historyDir, file);
  }

  async save(signed: SignedSnapshot, serial: number, digest: string): Promise<string> {
    await mkdir(this.historyDir, { recursive: true, mode: 0o700 });
    const file = this.fileFor(serial, digest);
    await writeFileAtomic(this.pathOf(file), `${JSON.stringify(signed, null, 2)}\n`);
    return file;
  }

  async writeApplied(record: AppliedRecord): Promise<void> {
    await mkdir(this.dirs.snapshots, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.appliedPath, `${JSON.stringify(record, null, 2)}\n`);
  }

  /** The applied record; null when there is none. Throws JsonFileError when it is damaged. */
  async readApplied(): Promise<AppliedRecord | null> {
    try {
      return await readJsonFile(this.appliedPath, AppliedRecord);
    } catch (err) {
      if (err instanceof JsonFileError && err.problem === 'missing') return null;
      throw err;
    }
  }

  /** History, newest serial first. */
  async list(): Promise<HistoryEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.historyDir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const entries: HistoryEntry[] = [];
    for (const file of names) {
      const m = FILE_RE.exec(file);
      if (m) entries.push({ file, serial: Number(m[1]), digest: `sha256:${m[2]}` });
    }
    return entries.sort((a, b) => b.serial - a.serial || a.file.localeCompare(b.file));
  }

  /** The raw signed snapshot in `file` (JSON syntax only: the caller verifies it). */
  async readRaw(file: string): Promise<unknown> {
    const path = this.pathOf(file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const problem = isErrno(err, 'ENOENT') ? 'missing' : 'unreadable';
      throw new JsonFileError(
        path,
        problem,
        `the file cannot be read (${(err as Error).message}).`,
      );
    }
    return parseJsonText(path, text, z.unknown());
  }

  /** Moves a damaged file aside (kept for diagnosis, never read again). */
  async quarantine(file: string, now: number): Promise<string> {
    const target = `${this.pathOf(file)}.corrupt-${now}`;
    await rename(this.pathOf(file), target).catch(() => undefined);
    return target;
  }

  /** Keeps the newest `keep` snapshots plus every protected digest. */
  async prune(keep: number, protect: ReadonlySet<string>): Promise<number> {
    const entries = await this.list();
    let removed = 0;
    for (const entry of entries.slice(keep)) {
      if (protect.has(entry.digest)) continue;
      await unlink(this.pathOf(entry.file)).catch(() => undefined);
      removed += 1;
    }
    return removed;
  }
}
