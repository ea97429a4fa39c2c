import { randomBytes } from 'node:crypto';
import type { TimerHandle } from '../../core/clock.js';
import { networkFrame } from '../../core/protocol/network-message.js';
import type { NodeMessageBody } from '../../core/protocol/schemas/ws.js';
import type { ConfigService } from './config-service.js';
import { Deque } from './deque.js';
import { capacityOf, rotationOf, servesModel } from './eligibility.js';
import type { Faults } from './faults.js';
import { addEvent, newJob, type JobRecord, type JobSpec } from './job-record.js';
import type { JobLedger } from './ledger.js';
import type { NodeLink } from './link.js';
import type { ResolvedOptions } from './options.js';
import type { NodeRecord, NodeRegistry } from './registry.js';
import { TestTasks } from './test-tasks.js';

export type TakeAwayCause =
  'accept_timeout' | 'deadline' | 'rejected' | 'node_failed' | 'invalid_result';

export interface DispatcherDeps {
  ledger: JobLedger;
  registry: NodeRegistry;
  config: ConfigService;
  faults: Faults;
  opts: ResolvedOptions;
  /** A node's status changed: tell it (node_status) if it is connected. */
  onStatusChange(node: NodeRecord): void;
}

export interface JobOrder {
  spec: JobSpec;
  /** One assignment's time (deadline_at − assigned_at); default jobs.execution_timeout_ms. */
  timeoutMs?: number;
  /** The whole job's time from submission; default jobTtlFactor × the attempt time. */
  ttlMs?: number;
}

interface Candidate {
  link: NodeLink;
  node: NodeRecord;
  cap: number;
  load: number;
  deprioritised: boolean;
}

const RETRY_HOLD_BASE_MS = 250;
const RETRY_HOLD_MAX_MS = 4_000;

const TAKE_AWAY_WORDS: Record<TakeAwayCause, string> = {
  accept_timeout: 'did not accept a job in time',
  deadline: 'missed a job deadline',
  rejected: 'refused a job',
  node_failed: 'failed a job',
  invalid_result: 'returned an invalid result',
};

/**
 * Places jobs on eligible nodes, watches accept timeouts and deadlines, reassigns, and runs the
 * registration test tasks. Result handling lives in `ResultDesk`, which calls back in here.
 */
export class Dispatcher {
  readonly links = new Map<string, NodeLink>();
  private readonly nodeJobs = new Map<string, Set<JobRecord>>();
  private readonly inFlight = new Set<JobRecord>();
  private readonly queues = new Map<string, Deque<JobRecord>>();
  private readonly deprioritisedUntil = new Map<string, { until: number; reason: string }>();
  private readonly lastPick = new Map<string, number>();
  private readonly runId = randomBytes(3).toString('hex');
  private seq = 0;
  private picks = 0;
  private kickPending = false;
  /** Earliest expiresAt of a queued job: the sweep scans the queues only once it passes. */
  private nextExpiry = Infinity;
  private readonly sweepTimer: TimerHandle;
  /** When the last sweep ran (0: never); with `watchedInFlight`, shown in the admin stats. */
  lastSweepAt = 0;
  readonly tests: TestTasks;

  constructor(private readonly d: DispatcherDeps) {
    this.tests = new TestTasks(d, this);
    this.sweepTimer = d.opts.clock.setInterval(() => this.sweep(), d.opts.sweepIntervalMs);
  }

  close(): void {
    this.d.opts.clock.clearInterval(this.sweepTimer);
    this.tests.close();
  }

  get now(): number {
    return this.d.opts.clock.now();
  }

  newJobId(prefix = 'j'): string {
    return `${prefix}-${this.runId}-${(++this.seq).toString(36)}`;
  }

  submit(orders: JobOrder[]): string[] {
    const now = this.now;
    const ids: string[] = [];
    for (const o of orders) {
      const attempt = o.timeoutMs ?? this.d.config.effective.jobs.execution_timeout_ms;
      const ttl = o.ttlMs ?? attempt * this.d.opts.jobTtlFactor;
      const job = newJob(this.newJobId(), o.spec, false, now, attempt, now + ttl);
      this.d.ledger.add(job);
      this.enqueue(job);
      ids.push(job.id);
    }
    this.kick();
    return ids;
  }

  /** Re-queues a job restored from the state dir (open jobs come back as pending). */
  restore(job: JobRecord): void {
    this.d.ledger.add(job, true);
    if (job.state === 'pending') this.enqueue(job);
  }

  /** Cancels an open job; an assigned node is told with job_cancel. */
  cancel(job: JobRecord, reason: string): void {
    const link = job.node ? this.links.get(job.node) : undefined;
    if (this.inFlight.has(job)) {
      link?.send(networkFrame({ type: 'job_cancel', job_id: job.id, reason }));
      this.release(job);
    }
    job.cancelled = true;
    this.d.ledger.counters.jobs_cancelled++;
    this.fail(job, `cancelled: ${reason}`);
  }

  attach(link: NodeLink): void {
    this.links.set(link.nodeKey, link);
    const node = this.d.registry.get(link.nodeKey);
    if (node?.status === 'pending_test') this.tests.start(node);
    this.kick();
  }

  detach(link: NodeLink): void {
    if (this.links.get(link.nodeKey) !== link) return;
    this.links.delete(link.nodeKey);
    this.tests.sessionClosed(link.nodeKey);
  }

  /** Something that affects placement changed (heartbeat, status, snapshot): try again soon. */
  kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.dispatch();
    });
  }

  /** Assignments (test tasks included) whose accept timeout and deadline the sweep watches. */
  get watchedInFlight(): number {
    return this.inFlight.size;
  }

  inFlightOf(nodeKey: string): number {
    return this.nodeJobs.get(nodeKey)?.size ?? 0;
  }

  isDeprioritised(nodeKey: string): boolean {
    return this.deprioritisation(nodeKey) !== null;
  }

  /** Why and until when the node is served last (null when it is not). */
  deprioritisation(nodeKey: string): { until: number; reason: string } | null {
    const d = this.deprioritisedUntil.get(nodeKey);
    return d && d.until > this.now ? d : null;
  }

  onAccept(nodeKey: string, jobId: string): boolean {
    const job = this.d.ledger.get(jobId);
    if (!job || job.node !== nodeKey || job.state !== 'assigned') return false;
    job.acceptedAt = this.now;
    this.d.ledger.node(nodeKey).accepted++;
    this.d.ledger.setState(job, 'accepted');
    return true;
  }

  onReject(nodeKey: string, body: NodeMessageBody<'job_reject'>): boolean {
    const job = this.d.ledger.get(body.job_id);
    if (!job || job.node !== nodeKey || !this.inFlight.has(job)) return false;
    this.d.ledger.node(nodeKey).rejected++;
    if (!job.test) this.d.ledger.counters.job_rejects++;
    this.takeAway(job, 'rejected', `rejected (${body.reason}): ${body.detail}`);
    return true;
  }

  /** Frees the node's slot; the job keeps `node` so a late answer can be judged. */
  release(job: JobRecord): void {
    if (!this.inFlight.delete(job)) return;
    if (job.node) {
      this.nodeJobs.get(job.node)?.delete(job);
      this.d.ledger.node(job.node).in_flight--;
    }
    this.kick();
  }

  complete(job: JobRecord, nodeKey: string, durationMs: number | null): void {
    const other = job.node !== nodeKey && this.inFlight.has(job) ? job.node : null;
    if (other) {
      this.links.get(other)?.send(
        networkFrame({
          type: 'job_cancel',
          job_id: job.id,
          reason: 'another node already returned this job',
        }),
      );
    }
    this.release(job);
    job.completedBy = nodeKey;
    job.finishedAt = this.now;
    job.durationMs = durationMs;
    if (durationMs !== null && !job.test) this.d.ledger.timings.add(durationMs);
    addEvent(job, { at: job.finishedAt, event: 'completed', node: nodeKey });
    this.d.ledger.setState(job, 'completed');
  }

  fail(job: JobRecord, reason: string): void {
    job.failReason = reason;
    job.finishedAt = this.now;
    addEvent(job, { at: job.finishedAt, event: 'failed', detail: reason });
    this.d.ledger.setState(job, 'failed');
  }

  /**
   * Takes a job away from its node, deprioritises the node (unless not `atFault`: a job handed
   * back by an operator pause), and requeues or fails the job.
   */
  takeAway(job: JobRecord, cause: TakeAwayCause, detail: string, atFault = true): void {
    const nodeKey = job.node!;
    const now = this.now;
    this.release(job);
    job.takenFrom.push(nodeKey);
    job.node = null;
    if (atFault) {
      this.deprioritisedUntil.set(nodeKey, {
        until: now + this.d.opts.deprioritizeMs,
        reason: `${TAKE_AWAY_WORDS[cause]} (job ${job.id}): ${detail}`,
      });
    }
    addEvent(job, { at: now, event: cause, node: nodeKey, detail });
    if (job.test) return this.tests.failed(job, nodeKey, detail);
    if (job.attempts >= this.d.opts.maxAttempts) {
      return this.fail(job, `reassigned too often (${job.attempts} assignments); last: ${detail}`);
    }
    if (now >= job.expiresAt) return this.fail(job, `deadline passed; last assignment: ${detail}`);
    this.d.ledger.counters.jobs_reassigned++;
    // Like a real scheduler, do not hand the job straight back to the node that just gave it
    // up: a node whose runtime died would burn every attempt within milliseconds.
    job.retryAt = now + Math.min(RETRY_HOLD_BASE_MS * 2 ** (job.attempts - 1), RETRY_HOLD_MAX_MS);
    this.d.ledger.setState(job, 'pending');
    this.enqueue(job, true);
    this.kick();
  }

  private enqueue(job: JobRecord, front = false): void {
    const q = this.queueOf(job.spec.model);
    if (front) q.unshift(job);
    else q.push(job);
    if (job.expiresAt < this.nextExpiry) this.nextExpiry = job.expiresAt;
  }

  private expirePending(now: number): void {
    let next = Infinity;
    for (const queue of this.queues.values()) {
      let expired = false;
      for (const job of queue) {
        if (job.state !== 'pending') continue;
        if (now >= job.expiresAt) {
          this.fail(job, 'no eligible node took the job before its deadline');
          expired = true;
        } else if (job.expiresAt < next) next = job.expiresAt;
      }
      if (expired) queue.retain((j) => j.state === 'pending');
    }
    this.nextExpiry = next;
  }

  private queueOf(model: string): Deque<JobRecord> {
    let q = this.queues.get(model);
    if (!q) this.queues.set(model, (q = new Deque()));
    return q;
  }

  private dispatch(): void {
    if (this.d.faults.silent || this.d.ledger.countOf('pending') === 0) return;
    const snap = this.d.config.effective;
    const now = this.now;
    const candidates: Candidate[] = [];
    for (const link of this.links.values()) {
      const node = this.d.registry.get(link.nodeKey);
      if (!node || !rotationOf(node, link, snap, now).inRotation) continue;
      const cap = capacityOf(link, snap);
      const load = this.inFlightOf(link.nodeKey);
      if (load >= cap) continue;
      candidates.push({ link, node, cap, load, deprioritised: this.isDeprioritised(link.nodeKey) });
    }
    if (candidates.length === 0) return;
    for (const [model, queue] of this.queues) {
      if (queue.length === 0) continue;
      const cands = candidates.filter((c) => servesModel(c.node, snap, model));
      const held: JobRecord[] = [];
      while (queue.length > 0) {
        const job = queue.peek()!;
        if (job.state !== 'pending') {
          queue.shift();
          continue;
        }
        if (now >= job.expiresAt) {
          queue.shift();
          this.fail(job, 'no eligible node took the job before its deadline');
          continue;
        }
        const best = this.pick(cands, job);
        if (!best) break;
        queue.shift();
        if ((job.retryAt ?? 0) > now && job.takenFrom.includes(best.link.nodeKey)) {
          held.push(job); // the sweep kicks again while jobs are pending
          continue;
        }
        this.assign(job, best.link, now);
        best.load++;
      }
      for (let i = held.length - 1; i >= 0; i--) queue.unshift(held[i]!);
    }
  }

  /** Least loaded first; deprioritised nodes and nodes the job was taken from only as a last resort. */
  private pick(cands: Candidate[], job: JobRecord): Candidate | undefined {
    let best: Candidate | undefined;
    let bestScore = Infinity;
    for (const c of cands) {
      if (c.load >= c.cap) continue;
      const score =
        (c.deprioritised ? 4 : 0) +
        (job.takenFrom.includes(c.link.nodeKey) ? 2 : 0) +
        c.load / c.cap +
        (this.lastPick.get(c.link.nodeKey) ?? 0) / (this.picks + 1) / 1e3;
      if (score < bestScore) {
        bestScore = score;
        best = c;
      }
    }
    if (best) this.lastPick.set(best.link.nodeKey, ++this.picks);
    return best;
  }

  /** Sends `job` to `link` now (the dispatch loop's choice, or a test task's node). */
  assign(job: JobRecord, link: NodeLink, now: number): void {
    const snap = this.d.config.effective;
    const ledger = this.d.ledger;
    job.attempts++;
    job.node = link.nodeKey;
    job.assignedAt = now;
    job.acceptBy = now + snap.jobs.accept_timeout_ms;
    job.acceptedAt = null;
    job.deadlineAt = Math.min(now + job.attemptTimeoutMs, job.expiresAt);
    this.inFlight.add(job);
    let mine = this.nodeJobs.get(link.nodeKey);
    if (!mine) this.nodeJobs.set(link.nodeKey, (mine = new Set()));
    mine.add(job);
    const nc = ledger.node(link.nodeKey);
    nc.assigned++;
    nc.in_flight++;
    nc.last_assigned_at = now;
    if (!job.test) ledger.counters.jobs_assigned++;
    addEvent(job, { at: now, event: 'assigned', node: link.nodeKey });
    ledger.setState(job, 'assigned');
    const skew = this.d.faults.skewMs;
    const frame = networkFrame({
      type: 'job_assign',
      job: {
        job_id: job.id,
        ...job.spec,
        assigned_at: now + skew,
        deadline_at: job.deadlineAt + skew,
        ...(job.test ? { test: true } : {}),
      },
    });
    job.assignedPerf = this.d.opts.perfNow();
    const delay = this.d.faults.assignDelayMs;
    if (delay > 0) {
      // A far network: the frame travels while the job already counts against the node.
      this.d.opts.clock.setTimeout(() => link.send(frame), delay);
      return;
    }
    link.send(frame);
    if (this.d.faults.takeDrop()) link.drop();
  }

  private sweep(): void {
    const now = this.now;
    this.lastSweepAt = now;
    const counters = this.d.ledger.counters;
    for (const job of this.inFlight) {
      const nodeKey = job.node!;
      if (job.state === 'assigned' && now > job.acceptBy!) {
        this.d.ledger.node(nodeKey).accept_timeouts++;
        if (!job.test) counters.accept_timeouts++;
        const ms = this.d.config.effective.jobs.accept_timeout_ms;
        this.takeAway(job, 'accept_timeout', `no job_accept within ${ms} ms`);
      } else if (now > job.deadlineAt!) {
        this.d.ledger.node(nodeKey).deadline_misses++;
        if (!job.test) counters.deadline_misses++;
        this.takeAway(
          job,
          'deadline',
          `no result by deadline_at (${job.deadlineAt! - job.assignedAt!} ms after assignment)`,
        );
      }
    }
    if (now >= this.nextExpiry) this.expirePending(now);
    if (this.d.ledger.countOf('pending') > 0) this.kick();
  }
}
