import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { LogEntry, LogSink, Logger } from '../logger.js';
import type { IoApi } from '../network/io-http-client.js';
import { createRedactor, type Redactor } from '../redact.js';

/** Where log entries wait for upload (the job side's log store, or the in-memory outbox). */
export interface LogOutbox {
  /** The next batch to upload (same id until acknowledged), or null when nothing waits. */
  next(max: number): Promise<{ batchId: string; entries: LogEntry[] } | null>;
  /** The network accepted the batch: forget it. */
  acknowledge(batchId: string): Promise<void>;
}

/**
 * A bounded in-memory outbox fed as a logger sink. Oldest entries are dropped past `limit`
 * (counted, and reported in the next batch) so a long offline period cannot exhaust memory.
 * Entries are redacted as they arrive (home paths, emails, wallets, tokens, IPs).
 */
export class MemoryLogOutbox implements LogOutbox {
  private entries: LogEntry[] = [];
  private pending: { batchId: string; entries: LogEntry[] } | null = null;
  private dropped = 0;

  constructor(
    private readonly limit = 5000,
    private readonly minLevel: LogEntry['level'] = 'info',
    private readonly redactor: Redactor = createRedactor(),
  ) {}

  readonly sink: LogSink = (entry) => {
    if (entry.level === 'debug' && this.minLevel !== 'debug') return;
    this.entries.push(this.redactor.entry(entry));
    if (this.entries.length > this.limit) {
      this.entries.shift();
      this.dropped += 1;
    }
  };

  async next(max: number): Promise<{ batchId: string; entries: LogEntry[] } | null> {
    if (this.pending) return this.pending;
    if (this.entries.length === 0) return null;
    const entries = this.entries.splice(0, Math.min(max, 1000));
    if (this.dropped > 0) {
      entries.unshift({
        ts: entries[0]?.ts ?? 0,
        level: 'warn',
        source: 'agent.logs',
        message: `${this.dropped} older log entries were dropped while the network was unreachable.`,
      });
      if (entries.length > 1000) this.entries.unshift(entries.pop() as LogEntry);
      this.dropped = 0;
    }
    this.pending = { batchId: `logs-${randomBytes(8).toString('hex')}`, entries };
    return this.pending;
  }

  async acknowledge(batchId: string): Promise<void> {
    if (this.pending?.batchId === batchId) this.pending = null;
  }
}

/** Uploads waiting log batches (the network accepts a batch id once, so a retry is safe). */
export async function uploadLogs(
  outbox: LogOutbox,
  io: Pick<IoApi, 'uploadLogs'>,
  logger: Logger,
  maxBatches = 5,
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < maxBatches; i++) {
    const batch = await outbox.next(1000);
    if (!batch) break;
    try {
      await io.uploadLogs({ batch_id: batch.batchId, entries: batch.entries });
    } catch (err) {
      logger.debug(`Log upload postponed: ${(err as Error).message}`);
      break;
    }
    await outbox.acknowledge(batch.batchId);
    sent += batch.entries.length;
  }
  return sent;
}

/** Waits for `work` (its failure ignored) but no longer than `ms` on the given clock. */
export async function settleWithin(
  work: Promise<unknown>,
  clock: Clock,
  ms: number,
): Promise<void> {
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const limit = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, ms)));
  await Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    limit,
  ]);
  if (timer !== undefined) clock.clearTimeout(timer);
}

/** Last upload before stopping, bounded so an unreachable network cannot hold the stop. */
export function finalLogFlush(
  d: {
    logOutbox?: LogOutbox;
    logStore?: { flushUpstream(): Promise<void> };
    clock: Clock;
  },
  io: Pick<IoApi, 'uploadLogs'>,
  log: Logger,
): Promise<void> {
  const outbox = d.logOutbox ? uploadLogs(d.logOutbox, io, log) : null;
  return settleWithin(Promise.all([outbox, d.logStore?.flushUpstream()]), d.clock, 5000);
}
