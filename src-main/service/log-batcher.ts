import type { LogLineDto } from '../contract/index.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { LogEntry } from '../core/logger.js';
import { RingBuffer } from './ring-buffer.js';

export interface LogBatcherOptions {
  clock: Clock;
  /** Receives each batch; called at most once per `intervalMs`. */
  push: (lines: LogLineDto[]) => void;
  /** Lines kept for snapshots (cheap ring). */
  capacity?: number;
  intervalMs?: number;
  /** Largest batch pushed; during a flood only the newest lines are pushed live. */
  maxBatch?: number;
}

const MAX_MESSAGE = 2_000;

/** Keeps the recent log lines and pushes new ones in batches, never one push per line. */
export class LogBatcher {
  private readonly ring: RingBuffer<LogLineDto>;
  private pending: LogLineDto[] = [];
  private timer: TimerHandle | null = null;
  private seq = 0;
  private readonly intervalMs: number;
  private readonly maxBatch: number;

  constructor(private readonly opts: LogBatcherOptions) {
    this.ring = new RingBuffer(opts.capacity ?? 100_000);
    this.intervalMs = opts.intervalMs ?? 200;
    this.maxBatch = opts.maxBatch ?? 1_000;
  }

  add(entry: LogEntry): void {
    const line: LogLineDto = {
      seq: ++this.seq,
      ts: entry.ts,
      level: entry.level,
      source: entry.source,
      message: formatMessage(entry),
    };
    this.ring.push(line);
    this.pending.push(line);
    // The ring keeps every line; the live batch only needs the newest (seq shows the gap).
    if (this.pending.length > this.maxBatch * 2) this.pending = this.pending.slice(-this.maxBatch);
    this.timer ??= this.opts.clock.setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Pushes what is pending now (also used on shutdown). */
  flush(): void {
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch =
      this.pending.length > this.maxBatch ? this.pending.slice(-this.maxBatch) : this.pending;
    this.pending = [];
    this.opts.push(batch);
  }

  recent(n: number): LogLineDto[] {
    return this.ring.last(n);
  }

  get size(): number {
    return this.ring.size;
  }

  dispose(): void {
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}

/** The message plus its structured fields as `key=value`, bounded in length. */
function formatMessage(entry: LogEntry): string {
  let text = entry.message;
  if (entry.fields) {
    for (const [key, value] of Object.entries(entry.fields)) {
      const shown = typeof value === 'string' ? value : safeJson(value);
      text += ` ${key}=${shown}`;
    }
  }
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
