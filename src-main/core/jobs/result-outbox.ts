import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { JobResultBody } from '../protocol/schemas/ws.js';
import type { JobJournal } from '../store/journal.js';
import type { NodeMessageSender } from './job-engine-api.js';

interface Pending {
  result: JobResultBody;
  /** When it was last handed to the link; null when the link refused it. */
  sentAt: number | null;
  /** Sending it threw (it could not be built, signed or framed); logged once per result. */
  failed: boolean;
}

/**
 * Results awaiting the network's acknowledgement. A result enters only once it is durable in
 * the journal; it is (re-)sent on every link up and when an acknowledgement is overdue, and
 * leaves when acknowledged — so it is never lost and never sent after its ack.
 */
export class ResultOutbox {
  private readonly pending = new Map<string, Pending>();
  private closed = false;

  constructor(
    private readonly link: NodeMessageSender,
    private readonly journal: JobJournal,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  has(jobId: string): boolean {
    return this.pending.has(jobId);
  }

  /** Adds a durable result without sending it (resume: sent on the next link up). */
  hold(result: JobResultBody): void {
    if (!this.pending.has(result.job_id))
      this.pending.set(result.job_id, { result, sentAt: null, failed: false });
  }

  /** Adds a durable result and sends it now. */
  async post(result: JobResultBody): Promise<void> {
    this.pending.set(result.job_id, { result, sentAt: null, failed: false });
    await this.sendOne(result.job_id);
  }

  /** Sends a pending result again now (the network handed the job back to this node). */
  async resend(jobId: string): Promise<void> {
    await this.sendOne(jobId);
  }

  /** Removes an acknowledged result; returns it if it was pending. */
  ack(jobId: string): JobResultBody | undefined {
    const p = this.pending.get(jobId);
    this.pending.delete(jobId);
    return p?.result;
  }

  /** Link up: every unacknowledged result in the journal goes out again. */
  async resendAll(): Promise<void> {
    for (const rec of this.journal.openRecords()) {
      if (rec.state === 'result_ready' && rec.result) this.hold(rec.result);
    }
    await Promise.all([...this.pending.keys()].map((id) => this.sendOne(id)));
  }

  /**
   * Re-sends results whose acknowledgement has not come within `ackTimeoutMs`, and tries those
   * never handed to the link (held at resume, or refused while the link was down).
   */
  resendOverdue(ackTimeoutMs: number): void {
    const now = this.clock.now();
    for (const [id, p] of this.pending) {
      if (p.sentAt === null || now - p.sentAt >= ackTimeoutMs) void this.sendOne(id);
    }
  }

  close(): void {
    this.closed = true;
  }

  private async sendOne(jobId: string): Promise<void> {
    const p = this.pending.get(jobId);
    if (!p || this.closed) return;
    p.sentAt = this.clock.now();
    let ok: boolean;
    try {
      ok = await this.link.send('job_result', p.result);
    } catch (err) {
      // Not a link that is down: this result cannot go out as it is. Say so (once), keep it,
      // and try again at the next sweep and link up.
      if (!p.failed)
        this.log.error('Could not send a job result; it stays pending and is retried.', {
          job_id: jobId,
          error: String(err),
        });
      p.failed = true;
      ok = false;
    }
    // Link down: the result stays in the journal and goes out again on the next link up.
    if (!ok && this.pending.get(jobId) === p) p.sentAt = null;
  }
}
