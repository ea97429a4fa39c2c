import { readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Clock, TimerHandle } from '../clock.js';
import { LogEntry, type LogBatchBody } from '../protocol/schemas/http.js';

/** The upload schema allows 1–1000 entries a batch; bytes are capped well below a frame. */
export const MAX_BATCH_ENTRIES = 1000;
export const MAX_BATCH_BYTES = 512 * 1024;

export interface LogUploaderOptions {
  dir: string;
  upload: (batch: LogBatchBody) => Promise<void>;
  clock: Clock;
  intervalMs: number;
  warn: (message: string) => void;
  /** Log files oldest first; `open` is the one still being written. */
  files: () => Promise<Array<{ name: string; open: boolean }>>;
  /** Closes the file being written so it can be uploaded; false if it was empty. */
  sealActive: () => Promise<boolean>;
}

/**
 * Uploads closed log files batch by batch and deletes each file once all its batches were
 * accepted. A file never changes once closed, so its batches — and their ids, derived from the
 * file name and position — are the same on every attempt, and a re-upload after a failure (or
 * a restart) is answered "already accepted" by the network instead of duplicating entries.
 */
export class LogUploader {
  /** Batches already accepted per file, to skip them on the next attempt. */
  private readonly progress = new Map<string, number>();
  private running: Promise<void> | null = null;
  private timer: TimerHandle | null = null;
  private failing = false;
  private stopped = true;
  pending = false;

  constructor(private readonly options: LogUploaderOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  setInterval(ms: number): void {
    this.options.intervalMs = ms;
    if (!this.stopped) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  flush(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private schedule(): void {
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      void this.flush().finally(() => {
        if (!this.stopped) this.schedule();
      });
    }, this.options.intervalMs);
    if (typeof this.timer === 'object') this.timer.unref?.();
  }

  private async run(): Promise<void> {
    try {
      let files = (await this.options.files()).filter((f) => !f.open);
      if (files.length === 0 && (await this.options.sealActive()))
        files = (await this.options.files()).filter((f) => !f.open);
      for (const f of files) await this.uploadFile(f.name);
      this.pending = false;
      if (this.failing) {
        this.failing = false;
        this.options.warn('Local logs are being uploaded again.');
      }
    } catch (err) {
      this.pending = true;
      if (!this.failing) {
        this.failing = true;
        const why = err instanceof Error ? err.message : String(err);
        this.options.warn(
          `Could not upload the local logs (${why}). They stay in ${this.options.dir} and are retried every ${Math.round(this.options.intervalMs / 1000)} s.`,
        );
      }
    }
  }

  private async uploadFile(name: string): Promise<void> {
    const file = path.join(this.options.dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // rotated away meanwhile
      throw err;
    }
    const batches = splitBatches(parseLines(text));
    const base = name.replace(/\.jsonl$/, '');
    for (let i = this.progress.get(name) ?? 0; i < batches.length; i++) {
      await this.options.upload({ batch_id: `${base}-${i}`, entries: batches[i]! });
      this.progress.set(name, i + 1);
    }
    await unlink(file).catch(() => undefined);
    this.progress.delete(name);
  }
}

/** Entries of a log file; a torn or foreign line (a crash mid-write) is skipped. */
export function parseLines(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const parsed = LogEntry.safeParse(JSON.parse(line));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // skipped
    }
  }
  return out;
}

/** Deterministic split: the same entries always give the same batches. */
export function splitBatches(entries: LogEntry[]): LogEntry[][] {
  const batches: LogEntry[][] = [];
  let current: LogEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = JSON.stringify(e).length;
    if (
      current.length > 0 &&
      (current.length >= MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
