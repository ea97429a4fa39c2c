import type { ConfigSync } from '../config/config-sync.js';
import type { Logger } from '../logger.js';
import type { RuntimeMetrics } from '../runtime/runtime.js';
import type { SessionParams } from '../network/job-link.js';
import type { OperatorPause } from '../protocol/index.js';
import type { AgentDeps } from './agent-deps.js';
import { QueueWindow, windowFor } from './queue-window.js';
import { RefillMeter } from './refill-meter.js';
import { TransitProbe } from './transit-probe.js';
import { readRuntimeMetrics } from './heartbeat-body.js';

export interface SessionAnnouncerDeps {
  config: ConfigSync;
  link: AgentDeps['link'];
  runtime: AgentDeps['runtime'];
  journal: AgentDeps['journal'];
  /**
   * The operator's cap on jobs at once, if any, read at each announcement (it can change): it
   * lowers the runtime's slots and what is announced, queue window included.
   */
  cap: () => number | null;
  /** Registered and not paused (by the network's drain or the operator). */
  online: () => boolean;
  /** The operator's pause as the protocol carries it (null: not paused). */
  operatorPause?: () => OperatorPause | null;
  /** Job events feed the refill meter (queue-window.ts); absent: the window stays an eighth. */
  jobs?: Pick<AgentDeps['jobEngine'], 'onEvent' | 'counters'>;
  clock?: AgentDeps['clock'];
  log: Logger;
}

/**
 * What the job session tells the network about taking jobs (`accepting`, `max_concurrency`),
 * and reopening the session when that announcement has become wrong.
 */
export class SessionAnnouncer {
  private announcedAccepting = false;
  private announcedConcurrency = 0;
  private announcedCap: number | null = null;
  private readonly window = new QueueWindow();
  private readonly refill: RefillMeter | null;
  private readonly transit: TransitProbe | null;

  constructor(private readonly d: SessionAnnouncerDeps) {
    const { jobs, clock, runtime } = d;
    const meter = (this.refill = jobs && clock ? new RefillMeter(clock) : null);
    const probe = (this.transit = clock
      ? new TransitProbe(clock, () => readRuntimeMetrics(runtime, clock))
      : null);
    if (!jobs || !meter || !probe) return;
    // Every assignment takes an announced job; every result or refusal frees one.
    jobs.onEvent((e) => {
      if (e.kind === 'received') meter.assigned();
      else if (e.kind === 'completed' || e.kind === 'failed' || e.kind === 'rejected') {
        meter.released();
        probe.poke(meter.holding >= this.slots(), this.announcedConcurrency);
      }
    });
  }

  /**
   * The runtime's slots: what its containers serve when it says (one share per GPU), else the
   * applied snapshot's `runtime.max_num_seqs` lowered by the operator's cap (its --max-num-seqs).
   */
  private slots(): number {
    const network = this.d.config.snapshot()?.snapshot.runtime.max_num_seqs ?? 1;
    const cap = this.d.cap();
    return this.d.runtime.capacity?.() ?? (cap === null ? network : Math.min(network, cap));
  }

  /** Jobs at once to announce: the runtime's slots plus a window, never above the operator's cap. */
  concurrency(): number {
    const cap = this.d.cap();
    const maxQueue = this.d.config.snapshot()?.snapshot.jobs.max_queue_size ?? null;
    const windowed = this.window.concurrency(this.slots(), maxQueue);
    const wanted = cap === null ? windowed : Math.min(cap, windowed);
    return Math.min(1024, Math.max(1, Math.floor(wanted)));
  }

  /**
   * The announced figure is off by a window or more (new slots in the snapshot, or a runtime
   * that runs fewer than its slots): small drifts wait for the next session.
   */
  private concurrencyStale(): boolean {
    const now = this.concurrency();
    const then = this.announcedConcurrency;
    // The operator changed the cap: announce the new figure at once, however small the move.
    if (this.d.cap() !== this.announcedCap) return now !== then;
    return Math.abs(now - then) >= windowFor(Math.min(now, then));
  }

  /** The runtime's metrics as each heartbeat reads them, with the refill measured: they size the window. */
  observe(metrics: RuntimeMetrics): void {
    const limitMs = this.d.config.snapshot()?.snapshot.jobs.execution_timeout_ms ?? null;
    const refill = this.refill?.figures() ?? null;
    const transit = this.transit?.p95() ?? null;
    this.window.observe(metrics, this.slots(), { refill, transit, limitMs });
    if (refill)
      this.d.log.debug(
        `Refill p50/p95/p99 ${Math.round(refill.p50Ms)}/${Math.round(refill.refillMs)}/${Math.round(refill.p99Ms)} ms, ${transit ?? '?'} jobs in transit (p95) over ${refill.samples} jobs at ${refill.perSecond.toFixed(1)} results/s: taking ${this.concurrency()} jobs at once.`,
      );
    this.reannounce();
  }

  /** The runtime as the heartbeat reads it, its metrics observed on the way. */
  watching<R extends Pick<AgentDeps['runtime'], 'kind' | 'status' | 'metrics'>>(
    runtime: R,
  ): Pick<R, 'kind' | 'status' | 'metrics'> {
    return {
      kind: runtime.kind,
      status: () => runtime.status(),
      metrics: async () => {
        const m = await runtime.metrics();
        this.observe(m);
        return m;
      },
    };
  }

  /** Jobs are only taken once registered, allowed by the network, and the runtime serves. */
  wantsJobs(): boolean {
    const snap = this.d.config.snapshot()?.snapshot;
    return (
      this.d.online() &&
      !this.d.journal?.writeProblem &&
      (snap?.participation.accepting_jobs ?? false) &&
      this.d.runtime.status().state === 'ready'
    );
  }

  /** The parameters of the session being opened (remembered, to tell when they go stale). */
  params(): SessionParams {
    this.announcedAccepting = this.wantsJobs();
    this.announcedCap = this.d.cap();
    this.announcedConcurrency = this.concurrency();
    this.refill?.announce(this.announcedConcurrency, this.d.jobs?.counters().in_flight ?? 0);
    const paused = this.d.operatorPause?.() ?? null;
    return {
      accepting: this.announcedAccepting,
      max_concurrency: this.announcedConcurrency,
      ...(paused ? { operator_pause: paused } : {}),
    };
  }

  /**
   * Reopens the session when what it announced is wrong: ready for jobs now after announcing
   * "not accepting" (runtime loading, say), or unable to record jobs (disk full) after
   * announcing "accepting" — the only way to tell the network to leave it out of the rotation.
   */
  reannounce(): boolean {
    const { link, journal, log } = this.d;
    if (link.state !== 'ready') return false;
    const journalProblem = journal?.writeProblem ?? null;
    if (this.announcedAccepting && journalProblem) {
      log.warn(
        `Cannot record jobs (${journalProblem}): reopening the job session as not accepting.`,
      );
      link.reconnect();
      return true;
    }
    if (this.announcedAccepting && this.concurrencyStale()) {
      log.info(
        `Reopening the job session to take ${this.concurrency()} jobs at once instead of ${this.announcedConcurrency} (runtime slots ${this.slots()}).`,
      );
      link.reconnect();
      return true;
    }
    if (this.announcedAccepting || !this.wantsJobs()) return false;
    log.info('Ready for jobs now: reopening the job session to say so.');
    link.reconnect();
    return true;
  }
}
