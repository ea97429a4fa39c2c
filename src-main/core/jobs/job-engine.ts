import { Emitter, warnListenerErrors, type Event } from '../base/event.js';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { silentLogger, type Logger } from '../logger.js';
import type { ConfigSnapshot } from '../protocol/schemas/snapshot.js';
import type {
  Job,
  JobResultBody,
  NodeMessageBody,
  NodeMessageType,
} from '../protocol/schemas/ws.js';
import type { Runtime } from '../runtime/runtime.js';
import { FINISHED_RETENTION_MS, type JobJournal } from '../store/journal.js';
import type { JobEngineApi, JobEvent, NodeMessageSender } from './job-engine-api.js';
import { internalFailureResult, resultEvent } from './job-result.js';
import { ActiveJobs, newActiveJob, type ActiveJob } from './active-jobs.js';
import { runJob } from './job-runner.js';
import { PartialSender } from './partial-sender.js';
import { ackedOutcome, classifyAssignment, logHandedBack } from './reassignment.js';
import { interruptedResult, planResume } from './resume-plan.js';
import { ResultOutbox } from './result-outbox.js';
import { validateAssignment, type Rejection } from './validate-job.js';

/** Used for resume before any snapshot is applied (the devnet default). */
export const DEFAULT_JOB_TTL_MS = 15 * 60_000;

export interface JobEngineOptions {
  runtime: Runtime;
  journal: JobJournal;
  /** The node's job link (LinkSession in production): accepts, partials and results go out here. */
  link: NodeMessageSender;
  clock?: Clock;
  logger?: Logger;
  /** Shortest time between two job_partial frames of one job. Default 250 ms. */
  partialIntervalMs?: number;
  /** How long finished (acked/rejected) records stay in the journal. Default 1 min. */
  finishedRetentionMs?: number;
  /** A result sent but not acknowledged after this long is sent again. Default 30 s. */
  ackTimeoutMs?: number;
  /** Period of the re-send and prune sweep. Default 10 s. */
  housekeepingMs?: number;
  /** Why new jobs are held back now (core/config/runtime-update.ts), or null. */
  held?: () => string | null;
}

/**
 * Runs the network's jobs: validates each assignment against the applied snapshot, journals
 * every step before acting on it, runs accepted jobs concurrently (up to max_queue_size; vLLM
 * batches them), and delivers each result until the network acknowledges it.
 */
export class JobEngine implements JobEngineApi {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly journal: JobJournal;
  private config: ConfigSnapshot | null = null;
  private digest: string | null = null;
  private draining = false;
  private closed = false;
  private readonly active: ActiveJobs;
  private readonly outbox: ResultOutbox;
  private completedTotal = 0;
  private failedTotal = 0;
  private readonly events: Emitter<JobEvent>;
  readonly onEvent: Event<JobEvent>;
  private readonly housekeeping: TimerHandle;

  constructor(private readonly options: JobEngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? silentLogger).child('jobs');
    this.events = new Emitter({ onListenerError: warnListenerErrors(this.log, 'job event') });
    this.onEvent = this.events.event;
    this.journal = options.journal;
    this.outbox = new ResultOutbox(options.link, options.journal, this.clock, this.log);
    this.active = new ActiveJobs(this.clock);
    this.housekeeping = this.clock.setInterval(
      () => this.sweep(),
      options.housekeepingMs ?? 10_000,
    );
    if (typeof this.housekeeping === 'object') this.housekeeping.unref?.();
  }

  setConfig(config: ConfigSnapshot, digest: string): void {
    this.config = config;
    this.digest = digest;
  }

  handleAssign(job: Job): void {
    const now = this.clock.now();
    const id = job.job_id;
    this.emit({ kind: 'received', jobId: id, model: job.model, at: now, test: job.test ?? false });
    const seen = classifyAssignment(
      this.journal.get(id),
      this.active.has(id) || this.outbox.has(id),
    );
    if (seen.kind === 'held') return this.takeBackHeld(job);
    if (seen.kind === 'again') logHandedBack(this.log, id, seen);
    const rejection = this.closed
      ? { reason: 'not_accepting' as const, detail: 'The node is shutting down.' }
      : validateAssignment(job, {
          config: this.config,
          draining: this.draining,
          held: this.options.held?.() ?? null,
          inFlight: this.active.size,
          runtime: this.options.runtime.status(),
          now,
        });
    const received = this.journal.received(job, now, this.digest, seen.attempt);
    if (rejection) {
      const rejected = this.journal.transition(id, 'rejected', now, rejection.reason);
      void Promise.all([received, rejected])
        .catch((err) =>
          this.log.warn('Could not record a rejected job.', { job_id: id, error: String(err) }),
        )
        .then(() => this.reject(job, rejection));
      return;
    }
    const accepted = this.journal.transition(id, 'accepted', now);
    const entry = newActiveJob(job, now);
    entry.recorded = this.answerOnceDurable(entry, Promise.all([received, accepted]));
    this.active.add(entry);
    // The runtime call starts now, while the accept is on its way to the journal: job_accept,
    // partials and the result wait for it (docs/PROTOCOL.md, Jobs).
    void this.executeSafely(entry);
  }

  /**
   * Sends job_accept once the job's records are durable (true); if the journal refuses them,
   * stops the job without a result and refuses it instead (false).
   */
  private answerOnceDurable(entry: ActiveJob, durable: Promise<unknown>): Promise<boolean> {
    const { job } = entry;
    const id = job.job_id;
    return durable.then(
      () => {
        this.sendSafe('job_accept', { job_id: id });
        this.emit({
          kind: 'accepted',
          jobId: id,
          model: job.model,
          at: this.clock.now(),
          test: job.test ?? false,
        });
        return true;
      },
      (err: unknown) => {
        entry.stop.cause ??= { kind: 'not_journaled' };
        entry.controller.abort();
        this.log.error('Could not record an accepted job in the journal; refusing it.', {
          job_id: id,
          error: String(err),
        });
        this.reject(job, {
          reason: 'not_accepting',
          detail: 'The node cannot write its job journal (disk full or not writable).',
        });
        return false;
      },
    );
  }

  /**
   * The network assigned a job that fails the protocol's schema (a field missing, out of range,
   * too long): refuse it at once, naming the field, so the network need not wait for an answer.
   * Not journaled: the node never held it.
   */
  handleInvalidAssign(jobId: string, detail: string): void {
    const now = this.clock.now();
    this.emit({ kind: 'received', jobId, model: '', at: now, test: false });
    this.log.warn('Refused an invalid job assignment.', { job_id: jobId, detail });
    this.sendSafe('job_reject', {
      job_id: jobId,
      reason: 'invalid_job',
      detail: `The job does not follow the protocol: ${detail}`.slice(0, 500),
    });
    this.emit({ kind: 'rejected', jobId, model: '', at: now, detail: `invalid_job: ${detail}` });
  }

  /**
   * A duplicate assignment: the node still holds the job (the network reassigned it while the
   * node was away, and the node is its only taker). Accepted again so the work already done is
   * delivered, never run twice; a pending result goes out again. Not journaled: the record stays.
   */
  private takeBackHeld(job: Job): void {
    const id = job.job_id;
    this.sendSafe('job_accept', { job_id: id });
    if (this.active.has(id)) return;
    const record = this.journal.get(id);
    if (record?.state === 'result_ready' && record.result) this.outbox.hold(record.result);
    void this.outbox.resend(id);
  }

  /**
   * A bug inside one job must not crash the node nor hold a slot for ever, and the job must not
   * end without an answer: it is reported failed like any other failure (sent until acked).
   */
  private executeSafely(entry: ActiveJob): Promise<void> {
    const id = entry.job.job_id;
    return this.execute(entry).catch(async (err: unknown) => {
      this.log.error('A job stopped on an internal error; reporting it failed.', {
        job_id: id,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
      if (this.outbox.has(id) || entry.stop.cause?.kind === 'shutdown' || !(await entry.recorded)) {
        this.active.remove(id);
        return;
      }
      const failed = internalFailureResult(entry, this.digest, this.clock.now(), err);
      await this.deliver(failed, entry).catch((again: unknown) => {
        this.active.remove(id);
        this.log.error('Could not report a failed job; the network will reassign it.', {
          job_id: id,
          error: String(again),
        });
      });
    });
  }

  handleCancel(jobId: string, reason: string): void {
    const entry = this.active.get(jobId);
    if (!entry) {
      this.log.debug('Cancel for a job that is not running here; ignored.', { job_id: jobId });
      return;
    }
    entry.stop.cause ??= { kind: 'cancelled', reason };
    entry.controller.abort();
  }

  handleAck(jobId: string, outcome: 'accepted' | 'duplicate' | 'rejected', reason?: string): void {
    const record = this.journal.get(jobId);
    const result =
      this.outbox.ack(jobId) ?? (record?.state === 'result_ready' ? record.result : null);
    if (!result) {
      this.log.debug('Acknowledgement for a result this node is not waiting on; ignored.', {
        job_id: jobId,
      });
      return;
    }
    // Typed: what decides later is the enum and the result's status, never the reason text.
    const finished = ackedOutcome(outcome, result.status);
    const detail = (reason ? `${outcome}: ${reason}` : outcome).slice(0, 500);
    const now = this.clock.now();
    void this.journal.acked(jobId, finished, now, detail).catch((err) =>
      this.log.warn('Could not record an acknowledgement.', {
        job_id: jobId,
        error: String(err),
      }),
    );
    if (outcome === 'rejected') {
      this.log.warn(
        `The network rejected the result of job ${jobId}: ${reason ?? 'no reason given'}.`,
        { job_id: jobId },
      );
    }
    this.emit({
      kind: 'acked',
      jobId,
      model: result.model,
      at: now,
      outcome,
      ...(reason ? { detail: reason } : {}),
    });
  }

  async onLinkUp(): Promise<void> {
    await this.outbox.resendAll();
  }

  async onConfigApplied(digest: string): Promise<void> {
    const removed = this.journal.deleteFinishedOutside(digest);
    if (removed > 0)
      this.log.info(`Deleted ${removed} finished job records of previous configurations.`);
  }

  async resume(): Promise<void> {
    const now = this.clock.now();
    const ttl = this.config?.ttl.job_ttl_ms ?? DEFAULT_JOB_TTL_MS;
    const canRun =
      this.config !== null && !this.closed && this.options.runtime.status().state === 'ready';
    const records = this.journal
      .openRecords()
      .filter((r) => !this.active.has(r.jobId) && !this.outbox.has(r.jobId));
    const plan = planResume(records, now, ttl, canRun);
    for (const rec of plan.resend) this.outbox.hold(rec.result!);
    if (plan.drop.length > 0) await this.journal.remove(plan.drop.map((r) => r.jobId));
    for (const rec of plan.rerun) {
      const entry = newActiveJob(rec.job!, rec.receivedAt);
      this.active.add(entry);
      void this.executeSafely(entry);
    }
    // Held, not sent: they go out with the other unacknowledged results on the next link up.
    await Promise.all(
      plan.fail.map((rec) => this.deliver(interruptedResult(rec, now, this.digest), null, true)),
    );
    const counts = `${plan.resend.length} results to re-send, ${plan.rerun.length} jobs re-run, ${plan.fail.length} reported failed, ${plan.drop.length} expired records dropped`;
    if (records.length > 0) this.log.info(`Resumed the job journal: ${counts}.`);
  }

  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    await this.active.idle(timeoutMs);
  }

  /** Accepts jobs again after a drain (a new session after the network's soft shutdown). */
  undrain(): void {
    this.draining = false;
  }

  async handBack(reason: string, timeoutMs: number): Promise<void> {
    this.active.stopAll({ kind: 'handed_back', reason });
    await this.active.idle(timeoutMs);
  }

  counters(): { in_flight: number; completed_total: number; failed_total: number } {
    return {
      in_flight: this.active.size,
      completed_total: this.completedTotal,
      failed_total: this.failedTotal,
    };
  }

  /**
   * Stops for a shutdown: running streams are closed WITHOUT results (their records stay open in
   * the journal, and `resume()` decides after the restart), queued journal writes are committed.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.outbox.close();
    this.clock.clearInterval(this.housekeeping);
    this.active.stopAll({ kind: 'shutdown' });
    await this.active.idle(5_000);
    await this.journal.flush();
  }

  private async execute(entry: ActiveJob): Promise<void> {
    const { job } = entry;
    const id = job.job_id;
    const startedAt = this.clock.now();
    // Partials never precede job_accept: the sender holds the text until the job is recorded.
    const partials = job.stream_partial
      ? new PartialSender(id, this.options.link, this.clock, this.options.partialIntervalMs ?? 250)
      : null;
    partials?.hold();
    void entry.recorded.then((ok) => {
      if (!ok) return;
      this.markRunning(job, startedAt);
      partials?.release();
    });
    const result = await runJob({
      job,
      receivedAt: entry.receivedAt,
      configDigest: this.digest,
      runtime: this.options.runtime,
      clock: this.clock,
      executionTimeoutMs: this.config?.jobs.execution_timeout_ms ?? 120_000,
      controller: entry.controller,
      stop: entry.stop,
      ...(partials ? { onDelta: (d: string) => partials.push(d) } : {}),
    });
    if (!(await entry.recorded)) {
      this.active.remove(id);
      return;
    }
    partials?.stop();
    await this.deliver(result, entry);
  }

  /**
   * Not awaited: resume treats a running job like an accepted one (the accept is durable), so
   * nothing waits a group commit for this record.
   */
  private markRunning(job: Job, at: number): void {
    const id = job.job_id;
    void this.journal
      .transition(id, 'running', at)
      .catch((err: unknown) =>
        this.log.warn('Could not record that a job started.', { job_id: id, error: String(err) }),
      );
    this.emit({ kind: 'running', jobId: id, model: job.model, at, test: job.test ?? false });
  }

  /** Makes a result durable, then sends it; it stays pending until acknowledged. */
  private async deliver(
    result: JobResultBody | null,
    entry: ActiveJob | null,
    hold = false,
  ): Promise<void> {
    if (result === null) {
      if (entry) this.active.remove(entry.job.job_id);
      return;
    }
    const id = result.job_id;
    try {
      await this.journal.resultReady(id, result, this.clock.now());
    } catch (err) {
      this.log.error('Could not record a result in the journal; sending it anyway.', {
        job_id: id,
        error: String(err),
      });
    }
    if (result.status === 'completed') this.completedTotal++;
    else this.failedTotal++;
    if (entry) this.active.remove(id);
    this.emit(resultEvent(result, entry?.job.test ?? false));
    if (hold) this.outbox.hold(result);
    else await this.outbox.post(result);
  }

  private reject(job: Job, rejection: Rejection): void {
    this.sendSafe('job_reject', {
      job_id: job.job_id,
      reason: rejection.reason,
      detail: rejection.detail,
    });
    this.emit({
      kind: 'rejected',
      jobId: job.job_id,
      model: job.model,
      at: this.clock.now(),
      test: job.test ?? false,
      detail: `${rejection.reason}: ${rejection.detail}`,
    });
  }

  private sendSafe<T extends NodeMessageType>(type: T, body: NodeMessageBody<T>): void {
    try {
      void Promise.resolve(this.options.link.send(type, body)).catch(() => undefined);
    } catch {
      // link down: the network times the assignment out and reassigns it
    }
  }

  /** Re-sends results whose acknowledgement is overdue, and prunes finished records. */
  private sweep(): void {
    const now = this.clock.now();
    const overdue = this.options.ackTimeoutMs ?? 30_000;
    this.outbox.resendOverdue(overdue);
    const ttl = this.config?.ttl.job_ttl_ms ?? DEFAULT_JOB_TTL_MS;
    const retention = Math.min(this.options.finishedRetentionMs ?? FINISHED_RETENTION_MS, ttl);
    try {
      this.journal.pruneFinished(now - retention);
    } catch (err) {
      this.log.warn('Could not prune the job journal.', { error: String(err) });
    }
  }

  private emit(event: JobEvent): void {
    this.events.fire(event);
  }
}
