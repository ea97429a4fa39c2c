import fs from 'node:fs';
import path from 'node:path';
import { Emitter, warnListenerErrors, type Event } from '../base/event.js';
import { silentLogger, type Logger } from '../logger.js';
import type { Job, JobResultBody } from '../protocol/schemas/ws.js';
import type { JobJournal, JobOutcome, JournalRecord } from './journal.js';
import type { JournalHealth } from './journal-health.js';
import { applyLine, isFinished, parseLine, type JournalLine } from './journal-file-lines.js';
import { forEachLine } from './journal-replay.js';

export interface FileJournalOptions {
  /** The journal file (JSON lines). */
  path: string;
  /**
   * 'fsync' (default): a write is durable once it is on the disk — it survives a power cut;
   * one fdatasync per group commit, on the thread pool (the event loop never waits for it).
   * 'none': durable once the OS has it — it survives a crash of the app, not of the machine.
   * 'background': durable once the OS has it, and flushed to the disk at most `syncEveryMs`
   * later (one fdatasync for all commits in that window): a power cut can lose only that last
   * window, which the network recovers by reassigning the jobs it has no result for.
   */
  sync?: 'none' | 'fsync' | 'background';
  /** With sync 'background': the longest a commit waits for its fdatasync. Default 50 ms. */
  syncEveryMs?: number;
  /** Rewrite the file with only the live records once it grows past this. Default 16 MiB. */
  compactAtBytes?: number;
  /** Also compact (when the file holds more than 64 KiB) once free disk space drops below this. Default 64 MiB. */
  lowFreeBytes?: number;
  /**
   * Finished records last updated before this time are dropped while the file is replayed
   * (as pruneFinished would drop them), so a long journal never sits in memory whole.
   */
  forgetFinishedBefore?: number;
  logger?: Logger;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The job journal as an append-only file with group commit. Every write updates the records
 * in memory at once (so reads see it) and queues one JSON line; the lines queued while the
 * previous batch was on its way to the disk go out together in one write. All disk I/O runs
 * on libuv's thread pool: the event loop only serialises lines. The file is replayed on open
 * and compacted (rewritten with the live records, then renamed over) as it grows.
 */
export class FileJobJournal implements JobJournal, JournalHealth {
  private readonly log: Logger;
  private readonly records = new Map<string, JournalRecord>();
  /** Ids of the records not finished: what compaction keeps and resume reads. */
  private readonly open = new Set<string>();
  private readonly finished = { ats: [] as number[], ids: [] as string[], head: 0 };
  private fd: number;
  private fileBytes = 0;
  private compactAt: number;
  private lines: string[] = [];
  private waiters: Waiter[] = [];
  private writing: Promise<void> | null = null;
  private failing = false;
  private problem: string | null = null;
  private readonly problemChanged: Emitter<string | null>;
  readonly onWriteProblem: Event<string | null>;
  /** File size at the last free-space check (one check per 64 KiB appended). */
  private spaceCheckedAt = 0;
  private closed = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private closing = false;
  /** Totals since open (for the benchmark): busyMs is event-loop time spent by the journal. */
  readonly stats = { writes: 0, commits: 0, busyMs: 0, maxCommitMs: 0 };

  constructor(private readonly options: FileJournalOptions) {
    this.log = (options.logger ?? silentLogger).child('journal');
    this.problemChanged = new Emitter({
      onListenerError: warnListenerErrors(this.log, 'journal health'),
    });
    this.onWriteProblem = this.problemChanged.event;
    this.compactAt = options.compactAtBytes ?? 16 * 1024 * 1024;
    fs.mkdirSync(path.dirname(options.path), { recursive: true });
    fs.rmSync(`${options.path}.compact`, { force: true }); // an interrupted compaction
    this.replay();
    this.fd = fs.openSync(options.path, 'a', 0o600);
  }

  get writeProblem(): string | null {
    return this.problem;
  }

  async probe(): Promise<boolean> {
    if (this.problem === null) return true;
    const file = `${this.options.path}.probe`;
    try {
      // Room for a few dozen records: a disk with this much takes jobs again.
      await fs.promises.writeFile(file, Buffer.alloc(64 * 1024, 0x20), { mode: 0o600 });
      await fs.promises.rm(file, { force: true });
    } catch {
      await fs.promises.rm(file, { force: true }).catch(() => undefined);
      return false;
    }
    this.log.info('The job journal can be written again.');
    this.setProblem(null);
    return true;
  }

  private setProblem(problem: string | null): void {
    if (problem === this.problem) return;
    this.problem = problem;
    this.problemChanged.fire(problem);
  }

  received(job: Job, receivedAt: number, configDigest: string | null, attempt = 1): Promise<void> {
    const kept = this.records.get(job.job_id);
    if (kept && attempt <= kept.attempt && !this.closed)
      return Promise.reject(
        new Error(`The journal already has attempt ${kept.attempt} of job ${job.job_id}.`),
      );
    const line: JournalLine = { o: 'r', id: job.job_id, t: receivedAt, d: configDigest, j: job };
    if (attempt !== 1) line.a = attempt;
    return this.write(line);
  }

  transition(
    jobId: string,
    state: 'accepted' | 'rejected' | 'running',
    at: number,
    detail?: string,
  ): Promise<void> {
    return this.step(jobId, state, at, detail, state === 'rejected' ? 'refused' : undefined);
  }

  acked(jobId: string, outcome: JobOutcome, at: number, detail?: string): Promise<void> {
    return this.step(jobId, 'acked', at, detail, outcome);
  }

  private step(
    jobId: string,
    state: 'accepted' | 'rejected' | 'running' | 'acked',
    at: number,
    detail: string | undefined,
    outcome: JobOutcome | undefined,
  ): Promise<void> {
    if (!this.records.has(jobId) && !this.closed) return Promise.resolve();
    const line: JournalLine = { o: 's', id: jobId, s: state, t: at };
    if (detail !== undefined) line.x = detail;
    if (outcome !== undefined) line.out = outcome;
    return this.write(line);
  }

  resultReady(jobId: string, result: JobResultBody, at: number): Promise<void> {
    if (!this.records.has(jobId) && !this.closed) return Promise.resolve();
    return this.write({ o: 'R', id: jobId, t: at, r: result });
  }

  remove(jobIds: readonly string[]): Promise<void> {
    return Promise.all(jobIds.map((id) => this.write({ o: 'x', id }))).then(() => undefined);
  }

  has(jobId: string): boolean {
    return this.records.has(jobId);
  }

  get(jobId: string): JournalRecord | undefined {
    const rec = this.records.get(jobId);
    return rec ? { ...rec } : undefined;
  }

  openRecords(): JournalRecord[] {
    const open: JournalRecord[] = [];
    for (const id of this.open) {
      const rec = this.records.get(id);
      if (rec) open.push({ ...rec });
    }
    return open.sort((a, b) => a.receivedAt - b.receivedAt || (a.jobId < b.jobId ? -1 : 1));
  }

  /** Forgets finished records (the next compaction leaves them out of the file). */
  pruneFinished(before: number): number {
    const f = this.finished;
    let n = 0;
    while (f.head < f.ats.length && f.ats[f.head]! < before) {
      const id = f.ids[f.head++]!;
      const rec = this.records.get(id);
      if (rec && isFinished(rec.state) && rec.updatedAt < before && this.records.delete(id)) n++;
    }
    if (f.head > 4096 && f.head * 2 > f.ats.length) {
      f.ats = f.ats.slice(f.head);
      f.ids = f.ids.slice(f.head);
      f.head = 0;
    }
    return n;
  }

  deleteFinishedOutside(digest: string): number {
    const ids: string[] = [];
    for (const rec of this.records.values())
      if (isFinished(rec.state) && rec.configDigest !== digest) ids.push(rec.jobId);
    void this.remove(ids).catch(() => undefined);
    return ids.length;
  }

  async flush(): Promise<void> {
    while (this.writing || this.lines.length > 0) {
      if (!this.writing) this.kick();
      await this.writing;
    }
  }

  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    // New writes are refused from here on, so no commit can start after the final flush.
    this.closing = true;
    await this.flush().catch(() => undefined);
    this.closed = true;
    if (this.syncTimer) clearTimeout(this.syncTimer);
    await this.syncing;
    if (this.options.sync === 'background') await fdatasync(this.fd).catch(() => undefined);
    fs.closeSync(this.fd);
  }

  /** Background mode: one fdatasync for every commit of the next few milliseconds. */
  private syncSoon(): void {
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      if (this.closed) return;
      this.syncing = fdatasync(this.fd)
        .catch((err: unknown) =>
          this.log.warn('Could not flush the job journal to disk.', { error: String(err) }),
        )
        .finally(() => (this.syncing = null));
    }, this.options.syncEveryMs ?? 50);
    this.syncTimer.unref();
  }

  private write(line: JournalLine): Promise<void> {
    if (this.closed || this.closing) return Promise.reject(new Error('The job journal is closed.'));
    const started = performance.now();
    this.apply(line);
    this.lines.push(JSON.stringify(line) + '\n');
    const promise = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.writing) this.kick();
    this.stats.busyMs += performance.now() - started;
    return promise;
  }

  private apply(line: JournalLine): void {
    const done = applyLine(this.records, line);
    if (done) {
      this.finished.ats.push(done.updatedAt);
      this.finished.ids.push(done.jobId);
    }
    const id = line.o === 'p' ? line.rec.jobId : line.id;
    const rec = this.records.get(id);
    if (rec && !isFinished(rec.state)) this.open.add(id);
    else this.open.delete(id);
  }

  /**
   * Starts a group commit once the current callback and its promise chains are done, so their
   * writes join it; writes queued while it is on its way go out together right after it. Not a
   * whole event-loop turn (setImmediate): under load that kept each record waiting for every
   * other I/O callback of the turn before its write even started.
   */
  private kick(): void {
    this.writing = new Promise<void>((resolve) => process.nextTick(resolve))
      .then(() => this.commit())
      .finally(() => {
        this.writing = null;
        if (this.lines.length > 0 && !this.closed) this.kick();
      });
  }

  private async commit(): Promise<void> {
    const lines = this.lines;
    const waiters = this.waiters;
    if (lines.length === 0) return;
    this.lines = [];
    this.waiters = [];
    const t0 = performance.now();
    const data = Buffer.from(lines.join(''), 'utf8');
    this.stats.busyMs += performance.now() - t0;
    try {
      await writeAll(this.fd, data);
      if (this.options.sync === 'fsync' || this.options.sync === undefined)
        await fdatasync(this.fd);
      else if (this.options.sync === 'background') this.syncSoon();
    } catch (err) {
      // A partial write (disk full) would leave a torn line that glues onto the next append:
      // cut the file back to where this batch began (best effort).
      await new Promise<void>((resolve) => fs.ftruncate(this.fd, this.fileBytes, () => resolve()));
      if (!this.failing) {
        this.failing = true;
        this.log.error(
          'Could not write the job journal; the jobs of this batch are not recorded.',
          {
            error: err instanceof Error ? err.message : String(err),
          },
        );
      }
      for (const w of waiters) w.reject(err);
      this.setProblem(describeWriteError(err));
      // Finished records leave the file at compaction: that may be the room the next job needs.
      if (this.fileBytes > 0) await this.compact();
      return;
    }
    this.failing = false;
    this.fileBytes += data.length;
    const took = performance.now() - t0;
    this.stats.writes += lines.length;
    this.stats.commits++;
    if (took > this.stats.maxCommitMs) this.stats.maxCommitMs = took;
    for (const w of waiters) w.resolve();
    if (this.fileBytes >= this.compactAt || (await this.lowOnSpace())) await this.compact();
  }

  /** Free space below `lowFreeBytes`, checked once per 64 KiB appended (statfs is cheap). */
  private async lowOnSpace(): Promise<boolean> {
    if (this.fileBytes < this.spaceCheckedAt) this.spaceCheckedAt = 0; // compacted meanwhile
    if (this.fileBytes - this.spaceCheckedAt < 64 * 1024) return false;
    this.spaceCheckedAt = this.fileBytes;
    try {
      const s = await fs.promises.statfs(path.dirname(this.options.path));
      return s.bavail * s.bsize < (this.options.lowFreeBytes ?? 64 * 1024 * 1024);
    } catch {
      return false;
    }
  }

  /**
   * Rewrites the file with the open records only (finished ones are traces: they stay in
   * memory until pruned, and leave the file here); runs between two group commits.
   */
  private async compact(): Promise<void> {
    const t0 = performance.now();
    const parts: string[] = [];
    for (const id of this.open) {
      const rec = this.records.get(id);
      if (rec) parts.push(JSON.stringify({ o: 'p', rec }) + '\n');
    }
    const data = Buffer.from(parts.join(''), 'utf8');
    this.stats.busyMs += performance.now() - t0;
    const tmp = `${this.options.path}.compact`;
    try {
      const fd = await openFile(tmp, 'w');
      try {
        await writeAll(fd, data);
        await fdatasync(fd);
      } finally {
        fs.close(fd, () => undefined);
      }
      await fs.promises.rename(tmp, this.options.path);
      const next = await openFile(this.options.path, 'a');
      const old = this.fd;
      this.fd = next;
      // A background fdatasync may still hold the old fd: never close it under that call.
      await this.syncing;
      fs.close(old, () => undefined);
      this.fileBytes = data.length;
      // Many live records (a long time offline): compact again only when the file doubled.
      this.compactAt = Math.max(this.options.compactAtBytes ?? 16 * 1024 * 1024, data.length * 2);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      this.log.warn('Could not compact the job journal; it keeps growing until the next try.', {
        error: err instanceof Error ? err.message : String(err),
      });
      this.compactAt = this.fileBytes * 2;
    }
  }

  /** Loads the file; a torn last line (a crash mid-write) is cut off so appends stay clean. */
  private replay(): void {
    let bad = 0;
    let good = 0;
    const forgetBefore = this.options.forgetFinishedBefore;
    const read = forEachLine(this.options.path, (raw) => {
      if (raw === '') return;
      const line = parseLine(raw);
      if (!line) {
        bad++;
        return;
      }
      good++;
      this.apply(line);
      if (forgetBefore !== undefined && good % 1024 === 0) this.pruneFinished(forgetBefore);
    });
    if (!read) return;
    if (forgetBefore !== undefined) this.pruneFinished(forgetBefore);
    if ((good === 0 && read.totalBytes > 0) || (bad > 0 && bad >= good)) {
      // Not a journal (or badly damaged): keep it for inspection, start afresh.
      const aside = `${this.options.path}.damaged-${Date.now()}`;
      fs.renameSync(this.options.path, aside);
      this.records.clear();
      this.open.clear();
      this.finished.ats = [];
      this.finished.ids = [];
      this.log.warn(`The job journal was damaged and was moved to ${aside}; starting a new one.`);
      return;
    }
    if (bad > 0) this.log.warn(`Skipped ${bad} unreadable lines of the job journal.`);
    if (read.completeBytes < read.totalBytes)
      fs.truncateSync(this.options.path, read.completeBytes);
    this.fileBytes = read.completeBytes;
  }
}

function writeAll(fd: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (offset: number) => {
      fs.write(fd, data, offset, data.length - offset, null, (err, n) => {
        if (err) return reject(err);
        if (offset + n < data.length) step(offset + n);
        else resolve();
      });
    };
    step(0);
  });
}

function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) =>
    fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())),
  );
}

function openFile(file: string, flags: string): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.open(file, flags, 0o600, (err, fd) => (err ? reject(err) : resolve(fd))),
  );
}

/** Plain words for a failed journal write. */
function describeWriteError(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'the disk is full';
  if (code === 'EROFS') return 'the disk is read-only';
  if (code === 'EACCES' || code === 'EPERM') return 'the journal file is not writable';
  return err instanceof Error ? err.message : String(err);
}
