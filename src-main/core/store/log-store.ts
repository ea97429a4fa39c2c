import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import type { LogEntry, LogSink } from '../logger.js';
import type { LogBatchBody } from '../protocol/schemas/http.js';
import { createRedactor, type Redactor } from '../redact.js';
import { LogUploader, type PendingBatch } from './log-store-upload.js';

export interface LogStoreOptions {
  /** The network's logs folder (DataDirs.logs). */
  dir: string;
  clock?: Clock;
  /** A file is closed and a new one started once it reaches this size. Default 1 MiB. */
  maxFileBytes?: number;
  /** At most this many files are kept; the oldest is deleted beyond it. Default 20. */
  maxFiles?: number;
  /** Entries held in memory while the disk is slow or failing. Default 5,000. */
  maxBufferedEntries?: number;
  /**
   * Push mode: sends one batch upstream, resolves once the network accepted it, throws
   * otherwise; called every `flushIntervalMs`. Without it, a caller pulls with next/acknowledge.
   */
  upload?: (batch: LogBatchBody) => Promise<void>;
  /** Upload period (the snapshot's `ttl.log_flush_interval_ms`). Default 30 s. */
  flushIntervalMs?: number;
  /** Where problems with the log itself go (it cannot log them to itself). */
  onWarning?: (message: string) => void;
  /** What uploaded entries go through (default: this user's home folder, emails, wallets…). */
  redactor?: Redactor;
}

export const LOG_FILE_PREFIX = 'log-';
const LOG_FILE_SUFFIX = '.jsonl';
/** Longest line kept with its fields; beyond it the fields are dropped. */
const MAX_LINE_BYTES = 16 * 1024;
const RETRY_WRITE_MS = 5_000;

/**
 * The node's local log: JSON lines in size-bounded files (at most `maxFiles` of `maxFileBytes`)
 * in the network's logs folder, uploaded upstream in batches and deleted once accepted. The
 * sink never blocks and never throws: entries are buffered (bounded) and written in the
 * background; a failing disk is reported once through `onWarning`.
 */
export class LogStore {
  readonly sink: LogSink = (entry) => this.append(entry);
  private readonly clock: Clock;
  private readonly maxFileBytes: number;
  private readonly maxFiles: number;
  private readonly maxBuffered: number;
  private readonly warn: (message: string) => void;
  private buffer: string[] = [];
  private dropped = 0;
  private writing: Promise<void> | null = null;
  private active: { name: string; handle: FileHandle; size: number } | null = null;
  private retryTimer: TimerHandle | null = null;
  private diskProblem = false;
  private closed = false;
  private fileSeq = 0;
  private ready: Promise<void> | null = null;
  private readonly uploader: LogUploader;

  constructor(private readonly options: LogStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
    this.maxFiles = Math.max(2, options.maxFiles ?? 20);
    this.maxBuffered = options.maxBufferedEntries ?? 5_000;
    this.warn = options.onWarning ?? ((m) => console.warn(m));
    this.uploader = new LogUploader({
      dir: options.dir,
      upload: options.upload ?? null,
      clock: this.clock,
      intervalMs: options.flushIntervalMs ?? 30_000,
      warn: this.warn,
      files: () => this.files(),
      sealActive: () => this.sealForUpload(),
      redactor: options.redactor ?? createRedactor(),
    });
  }

  /** Creates the folder and starts the periodic upload. */
  start(): Promise<void> {
    this.ready ??= mkdir(this.options.dir, { recursive: true, mode: 0o700 }).then(
      () => this.uploader.start(),
      (err: unknown) => {
        this.ready = null; // try again with the next write
        throw err;
      },
    );
    return this.ready;
  }

  setFlushInterval(ms: number): void {
    this.uploader.setInterval(ms);
  }

  /** Uploads everything written so far now (also runs on the timer). */
  async flushUpstream(): Promise<void> {
    await this.idle();
    await this.uploader.flush();
  }

  /**
   * Pull mode, for a caller that uploads itself (the agent's log flush): the next batch — the
   * same id until acknowledged — or null when everything written so far was uploaded.
   */
  async next(_max = 1000): Promise<PendingBatch | null> {
    await this.start();
    await this.idle();
    return this.uploader.next();
  }

  /** The network accepted this batch; files are deleted once all their batches are. */
  acknowledge(batchId: string): Promise<void> {
    return this.uploader.acknowledge(batchId);
  }

  /** Waits until buffered entries are on disk (or the disk refused them). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  stats(): { buffered: number; dropped: number; uploadPending: boolean } {
    return {
      buffered: this.buffer.length,
      dropped: this.dropped,
      uploadPending: this.uploader.pending ?? false,
    };
  }

  async close(): Promise<void> {
    this.uploader.stop();
    this.kick();
    await this.idle();
    this.closed = true;
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    await this.active?.handle.close().catch(() => undefined);
    this.active = null;
  }

  private append(entry: LogEntry): void {
    if (this.closed) return;
    if (this.buffer.length >= this.maxBuffered) {
      if (this.dropped++ === 0)
        this.warn(
          `The local log is dropping entries: ${this.maxBuffered} are waiting to be written to ${this.options.dir}.`,
        );
      return;
    }
    this.buffer.push(serialize(entry));
    this.kick();
  }

  private kick(): void {
    if (this.writing || this.buffer.length === 0 || this.retryTimer !== null) return;
    this.writing = this.writeBuffered().finally(() => {
      this.writing = null;
      if (!this.diskProblem) this.kick();
    });
  }

  private async writeBuffered(): Promise<void> {
    let lines = this.buffer;
    this.buffer = [];
    try {
      await this.start();
      while (lines.length > 0) {
        const file = await this.activeFile();
        // Take the lines that fit the file's bound (at least one, so a long line still goes).
        let bytes = 0;
        let n = 0;
        while (n < lines.length) {
          const size = Buffer.byteLength(lines[n]!);
          if (n > 0 && file.size + bytes + size > this.maxFileBytes) break;
          bytes += size;
          n++;
        }
        await file.handle.write(lines.slice(0, n).join(''));
        file.size += bytes;
        lines = lines.slice(n);
        if (file.size >= this.maxFileBytes || lines.length > 0) await this.sealActive();
      }
      if (this.diskProblem) {
        this.diskProblem = false;
        this.warn(`The local log in ${this.options.dir} is writable again.`);
      }
    } catch (err) {
      // Keep what fits and try again later; one warning per episode, not one per entry.
      this.buffer = lines.concat(this.buffer).slice(-this.maxBuffered);
      if (!this.diskProblem) {
        this.diskProblem = true;
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOSPC' ? 'the disk is full' : (err as Error).message;
        this.warn(
          `Cannot write the local log in ${this.options.dir} (${why}). Entries are kept in memory (up to ${this.maxBuffered}) and written when possible; free some disk space.`,
        );
      }
      this.retryTimer = this.clock.setTimeout(() => {
        this.retryTimer = null;
        this.kick();
      }, RETRY_WRITE_MS);
      if (typeof this.retryTimer === 'object') this.retryTimer.unref?.();
      await this.sealActive().catch(() => undefined);
    }
  }

  private async activeFile(): Promise<{ name: string; handle: FileHandle; size: number }> {
    if (this.active) return this.active;
    // Time, then a counter (several files in one millisecond), then noise (two processes).
    const stamp = `${String(this.clock.now()).padStart(13, '0')}-${String(this.fileSeq++).padStart(6, '0')}`;
    const name = `${LOG_FILE_PREFIX}${stamp}-${randomBytes(3).toString('hex')}${LOG_FILE_SUFFIX}`;
    const handle = await open(path.join(this.options.dir, name), 'a', 0o600);
    this.active = { name, handle, size: 0 };
    await this.enforceBound();
    return this.active;
  }

  /** Closes the current file for upload, between two writes (never under a write). */
  private async sealForUpload(): Promise<boolean> {
    for (;;) {
      await this.idle();
      if (!this.writing) return this.sealActive();
    }
  }

  /** Closes the file being written (if it has content); returns whether one was closed. */
  private async sealActive(): Promise<boolean> {
    const file = this.active;
    if (!file || file.size === 0) return false;
    this.active = null;
    await file.handle.close();
    return true;
  }

  /** Log files oldest first, with whether they are still being written. */
  private async files(): Promise<Array<{ name: string; open: boolean }>> {
    const names = (await readdir(this.options.dir))
      .filter((n) => n.startsWith(LOG_FILE_PREFIX) && n.endsWith(LOG_FILE_SUFFIX))
      .sort();
    return names.map((name) => ({ name, open: name === this.active?.name }));
  }

  private async enforceBound(): Promise<void> {
    const files = await this.files();
    const excess = files.length - this.maxFiles;
    for (const f of files.slice(0, Math.max(0, excess))) {
      if (f.open) continue;
      await unlink(path.join(this.options.dir, f.name)).catch(() => undefined);
      this.warn(
        `Deleted the oldest local log file ${f.name} before it was uploaded: the log folder holds at most ${this.maxFiles} files.`,
      );
    }
  }
}

/** One JSON line, within the upload schema's limits. */
function serialize(entry: LogEntry): string {
  const base: LogEntry = {
    ts: entry.ts,
    level: entry.level,
    source: entry.source.slice(0, 64),
    message: entry.message.slice(0, 4000),
  };
  if (entry.fields) {
    try {
      const line = JSON.stringify({ ...base, fields: entry.fields }) + '\n';
      if (Buffer.byteLength(line) <= MAX_LINE_BYTES) return line;
      return JSON.stringify({ ...base, fields: { fields_dropped: 'too large' } }) + '\n';
    } catch {
      return JSON.stringify({ ...base, fields: { fields_dropped: 'not serialisable' } }) + '\n';
    }
  }
  return JSON.stringify(base) + '\n';
}
