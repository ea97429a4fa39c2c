import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { LogEntry, LogSink } from '../logger.js';

export interface LocalLogFileOptions {
  /** The network's logs folder (DataDirs.logs). */
  dir: string;
  /** Rotated once it reaches this size. Default 4 MiB. */
  maxFileBytes?: number;
  /** Rotated files kept besides the current one (node.log.1 … .N). Default 4. */
  keep?: number;
  /** Lines held while the disk is slow; beyond it the oldest are dropped. Default 5,000. */
  maxBuffered?: number;
}

export const LOCAL_LOG_FILE = 'node.log';

/** One entry as an operator reads and greps it (the same text as the dashboard's export). */
export function logLine(e: LogEntry): string {
  const fields = e.fields && Object.keys(e.fields).length > 0 ? ` ${safeJson(e.fields)}` : '';
  return `${new Date(e.ts).toISOString()} ${e.level.toUpperCase().padEnd(5)} [${e.source}] ${e.message}${fields}\n`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '{…}';
  }
}

/**
 * The node's own readable log, `node.log` in the logs folder, rotated by size (at most
 * (keep + 1) × maxFileBytes on disk). Unlike the upload queue beside it, which deletes what
 * the network accepted, it stays: it is what an operator opens, tails and greps. The sink
 * never blocks and never throws; a failing disk only loses these lines.
 */
export class LocalLogFile {
  readonly sink: LogSink = (entry) => this.#append(logLine(entry));
  readonly file: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  readonly #maxBuffered: number;
  #buffer: string[] = [];
  #writing: Promise<void> | null = null;
  #handle: FileHandle | null = null;
  #size = 0;
  #closed = false;

  constructor(private readonly o: LocalLogFileOptions) {
    this.file = path.join(o.dir, LOCAL_LOG_FILE);
    this.#maxBytes = o.maxFileBytes ?? 4 * 1024 * 1024;
    this.#keep = Math.max(1, o.keep ?? 4);
    this.#maxBuffered = o.maxBuffered ?? 5_000;
  }

  /** Waits until every line so far is written (or failed). */
  async idle(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async close(): Promise<void> {
    await this.idle();
    this.#closed = true;
    await this.#handle?.close().catch(() => undefined);
    this.#handle = null;
  }

  #append(line: string): void {
    if (this.#closed) return;
    this.#buffer.push(line);
    if (this.#buffer.length > this.#maxBuffered) this.#buffer.shift();
    this.#kick();
  }

  #kick(): void {
    if (this.#writing) return;
    this.#writing = this.#drain().finally(() => {
      this.#writing = null;
      if (this.#buffer.length > 0 && !this.#closed) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    while (this.#buffer.length > 0) {
      const text = this.#buffer.join('');
      this.#buffer = [];
      try {
        const handle = await this.#open();
        if (this.#size > 0 && this.#size + Buffer.byteLength(text) > this.#maxBytes) {
          await this.#rotate();
        }
        const h = this.#handle ?? handle;
        await h.write(text);
        this.#size += Buffer.byteLength(text);
      } catch {
        // The disk refused: these lines are lost here (the dashboard and the upload keep them).
        await this.#handle?.close().catch(() => undefined);
        this.#handle = null;
      }
    }
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    await mkdir(this.o.dir, { recursive: true, mode: 0o700 });
    this.#handle = await open(this.file, 'a', 0o600);
    this.#size = (await stat(this.file)).size;
    return this.#handle;
  }

  async #rotate(): Promise<void> {
    await this.#handle?.close();
    this.#handle = null;
    await rm(`${this.file}.${this.#keep}`, { force: true });
    for (let i = this.#keep - 1; i >= 1; i--) {
      await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(() => undefined);
    }
    await rename(this.file, `${this.file}.1`).catch(() => undefined);
    await this.#open();
  }
}
