import { readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Clock, TimerHandle } from '../clock.js';
import { isUploadable, type Redactor } from '../redact.js';
import { LogEntry, type LogBatchBody } from '../protocol/schemas/http.js';

/** The upload schema allows 1–1000 entries a batch; bytes are capped well below a frame. */
export const MAX_BATCH_ENTRIES = 1000;
export const MAX_BATCH_BYTES = 512 * 1024;

export interface LogUploaderOptions {
  dir: string;
  /** Push mode: sends one batch, resolves once accepted. Absent: pull mode only (next/acknowledge). */
  upload: ((batch: LogBatchBody) => Promise<void>) | null;
  clock: Clock;
  intervalMs: number;
  warn: (message: string) => void;
  /** Log files oldest first; `open` is the one still being written. */
  files: () => Promise<Array<{ name: string; open: boolean }>>;
  /** Closes the file being written so it can be uploaded; false if it was empty. */
  sealActive: () => Promise<boolean>;
  /** Applied to every uploaded entry (home paths, emails, wallets, tokens, IPs). */
  redactor: Redactor;
}

export interface PendingBatch {
  batchId: string;
  entries: LogEntry[];
}

/**
 * Hands out closed log files batch by batch and deletes each file once all its batches were
 * acknowledged. A file never changes once closed, so its batches — and their ids, derived from
 * the file name and position — are the same on every attempt: a re-upload after a failure (or
 * a restart) is answered "already accepted" by the network instead of duplicating entries.
 * Pull mode (`next`/`acknowledge`) for a caller that uploads; push mode (`flush`, and a timer)
 * with the `upload` function. Only info and above is uploaded, redacted; the local files keep
 * everything as written (they never leave the machine unless the operator sends them).
 */
export class LogUploader {
  /** Batches already acknowledged per file, to skip them on the next attempt. */
  private readonly progress = new Map<string, number>();
  private cache: { name: string; batches: LogEntry[][] } | null = null;
  private current: (PendingBatch & { name: string; index: number; last: boolean }) | null = null;
  private running: Promise<void> | null = null;
  private timer: TimerHandle | null = null;
  private failing = false;
  private stopped = true;

  constructor(private readonly options: LogUploaderOptions) {}

  get pending(): boolean {
    return this.current !== null;
  }

  /** The next batch to upload (the same one until acknowledged), or null when all is sent. */
  async next(): Promise<PendingBatch | null> {
    if (this.current) return this.current;
    for (;;) {
      let files = (await this.options.files()).filter((f) => !f.open);
      if (files.length === 0 && (await this.options.sealActive()))
        files = (await this.options.files()).filter((f) => !f.open);
      const file = files[0];
      if (!file) return null;
      const batches = await this.batchesOf(file.name);
      const index = this.progress.get(file.name) ?? 0;
      if (batches === null || index >= batches.length) {
        await this.finishFile(file.name);
        continue;
      }
      const base = file.name.replace(/\.jsonl$/, '');
      this.current = {
        batchId: `${base}-${index}`,
        entries: batches[index]!,
        name: file.name,
        index,
        last: index === batches.length - 1,
      };
      return this.current;
    }
  }

  /** The network accepted the batch: it is never offered again; a finished file is deleted. */
  async acknowledge(batchId: string): Promise<void> {
    const c = this.current;
    if (!c || c.batchId !== batchId) return;
    this.current = null;
    this.progress.set(c.name, c.index + 1);
    if (c.last) await this.finishFile(c.name);
  }

  start(): void {
    if (!this.stopped || !this.options.upload) return;
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

  /** Push mode: uploads every waiting batch now. */
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
    const upload = this.options.upload;
    if (!upload) return;
    try {
      for (let batch = await this.next(); batch; batch = await this.next()) {
        await upload({ batch_id: batch.batchId, entries: batch.entries });
        await this.acknowledge(batch.batchId);
      }
      if (this.failing) {
        this.failing = false;
        this.options.warn('Local logs are being uploaded again.');
      }
    } catch (err) {
      if (!this.failing) {
        this.failing = true;
        const why = err instanceof Error ? err.message : String(err);
        this.options.warn(
          `Could not upload the local logs (${why}). They stay in ${this.options.dir} and are retried every ${Math.round(this.options.intervalMs / 1000)} s.`,
        );
      }
    }
  }

  /** The file's batches, or null if it is gone (rotated away meanwhile). */
  private async batchesOf(name: string): Promise<LogEntry[][] | null> {
    if (this.cache?.name === name) return this.cache.batches;
    let text: string;
    try {
      text = await readFile(path.join(this.options.dir, name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const entries = parseLines(text).filter(isUploadable).map(this.options.redactor.entry);
    this.cache = { name, batches: splitBatches(entries) };
    return this.cache.batches;
  }

  private async finishFile(name: string): Promise<void> {
    await unlink(path.join(this.options.dir, name)).catch(() => undefined);
    this.progress.delete(name);
    if (this.cache?.name === name) this.cache = null;
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
