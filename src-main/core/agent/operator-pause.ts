import { Emitter, type Event } from '../base/event.js';
import type { Clock } from '../clock.js';
import type { ConfigSync } from '../config/config-sync.js';
import type { JobEngineApi } from '../jobs/job-engine-api.js';
import type { Logger } from '../logger.js';
import { NOT_PAUSED, pauseHeadline, type PauseState } from '../pause/pause-sources.js';
import type { OperatorPause as OperatorPauseWire } from '../protocol/index.js';
import type { Runtime, RuntimeStatus } from '../runtime/runtime.js';

/** A running job gets this long to finish when the node pauses; the rest are handed back. */
export const DEFAULT_PAUSE_GRACE_MS = 10_000;
/** How long a resume waits for the runtime to say it is ready before serving anyway. */
const READY_TIMEOUT_MS = 10 * 60_000;

export type OperatorPausePhase = 'serving' | 'pausing' | 'paused' | 'resuming';
/** Within `pausing`: the grace for running jobs, then the runtime's stop. */
export type PausingStep = 'finishing_jobs' | 'stopping_runtime';

/** What the UI shows about the pause: phase, why, since when, when VRAM was free again. */
export interface OperatorPauseReport {
  phase: OperatorPausePhase;
  /** Where a pause in progress is (null outside `pausing`). */
  step: PausingStep | null;
  state: PauseState;
  headline: string | null;
  /** When the last pause was asked for (the trigger). */
  triggeredAt: number | null;
  /** When the runtime was stopped (its VRAM freed) for the last pause; null while not yet. */
  runtimeStoppedAt: number | null;
  /** Jobs handed back unfinished at the end of the last pause's grace. */
  handedBack: number;
}

export interface OperatorPauseDeps {
  clock: Clock;
  jobs: Pick<JobEngineApi, 'drain' | 'undrain' | 'handBack' | 'counters'>;
  runtime: Pick<Runtime, 'stop' | 'status' | 'onStatus'>;
  config: Pick<ConfigSync, 'holdRuntime' | 'resumeRuntime'>;
  /** Tells the network at once: reopens the job session (accepting or not) and heartbeats. */
  announce: () => void;
  /** Shows the pause as the node's state (`draining` with the reason), or clears it (null). */
  showPaused: (reason: string | null) => void;
  /** The network's own drain holds the jobs: a resume leaves them held. */
  networkHolding: () => boolean;
  graceMs?: number;
  log: Logger;
}

/**
 * The operator's pause (docs/PROTOCOL.md, "Operator pause"): stop taking jobs at once and tell
 * the network, let running jobs finish within a grace and hand the rest back, then stop the
 * runtime so its GPU memory is free. Resume starts the runtime, waits until it is ready, and
 * tells the network. Requests are applied one at a time; the latest wanted state wins.
 */
export class OperatorPause {
  private wanted: PauseState = NOT_PAUSED;
  private phase: OperatorPausePhase = 'serving';
  private step: PausingStep | null = null;
  private work: Promise<void> | null = null;
  private triggeredAt: number | null = null;
  private runtimeStoppedAt: number | null = null;
  private handedBack = 0;
  private readonly changed = new Emitter<OperatorPauseReport>();
  readonly onChange: Event<OperatorPauseReport> = this.changed.event;

  constructor(private readonly d: OperatorPauseDeps) {}

  /** True from the trigger until serving again: sessions opened now announce not accepting. */
  get holding(): boolean {
    return this.phase !== 'serving';
  }

  report(): OperatorPauseReport {
    return {
      phase: this.phase,
      step: this.phase === 'pausing' ? this.step : null,
      state: this.wanted,
      headline: pauseHeadline(this.wanted),
      triggeredAt: this.triggeredAt,
      runtimeStoppedAt: this.runtimeStoppedAt,
      handedBack: this.handedBack,
    };
  }

  /** The pause as the protocol carries it (heartbeat, session_open); null while serving. */
  wire(): OperatorPauseWire | null {
    const first = this.wanted.requests[0];
    if (!this.holding || !first) return null;
    const ends = this.wanted.requests.map((r) => r.until);
    return {
      reason: first.reason.slice(0, 200),
      sources: this.wanted.requests.map((r) => r.source),
      since: this.wanted.since ?? this.d.clock.now(),
      until: ends.every((u) => u !== null) ? Math.max(...(ends as number[])) : null,
    };
  }

  /** The wanted pause state changed (from the PauseController); resolves once applied. */
  set(state: PauseState): Promise<void> {
    if (state.paused && !this.wanted.paused) this.triggeredAt = this.d.clock.now();
    this.wanted = state;
    if (this.phase === 'paused' && state.paused) {
      // Still paused, for other reasons: say so, and tell the network the new reason.
      this.d.showPaused(pauseHeadline(state));
      this.d.announce();
      this.emit();
    }
    this.work ??= this.settle().finally(() => (this.work = null));
    return this.work;
  }

  private async settle(): Promise<void> {
    for (;;) {
      if (this.wanted.paused && this.phase === 'serving') await this.pause();
      else if (!this.wanted.paused && this.phase === 'paused') await this.resume();
      else return;
    }
  }

  private async pause(): Promise<void> {
    const { jobs, log, clock } = this.d;
    const started = this.triggeredAt ?? clock.now();
    this.phase = 'pausing';
    this.step = 'finishing_jobs';
    this.runtimeStoppedAt = null;
    this.handedBack = 0;
    this.d.config.holdRuntime();
    this.d.showPaused(pauseHeadline(this.wanted));
    this.d.announce();
    this.emit();
    const grace = this.d.graceMs ?? DEFAULT_PAUSE_GRACE_MS;
    const running = jobs.counters().in_flight;
    if (running > 0) log.info(`Pausing: ${running} job(s) get ${grace / 1000} s to finish.`);
    await jobs.drain(grace).catch((err: unknown) => log.warn(`Draining: ${String(err)}`));
    this.handedBack = jobs.counters().in_flight;
    if (this.handedBack > 0) {
      log.warn(`Handing ${this.handedBack} unfinished job(s) back to the network.`);
      await jobs.handBack('the operator paused this node', 5_000);
    }
    this.step = 'stopping_runtime';
    this.emit();
    await this.d.runtime
      .stop()
      .catch((err: unknown) => log.error(`Could not stop the runtime: ${String(err)}`));
    this.runtimeStoppedAt = clock.now();
    const secs = ((this.runtimeStoppedAt - started) / 1000).toFixed(1);
    log.info(`Paused: the runtime is stopped, VRAM free again ${secs} s after the trigger.`);
    this.phase = 'paused';
    this.d.showPaused(pauseHeadline(this.wanted));
    this.emit();
  }

  private async resume(): Promise<void> {
    const { log } = this.d;
    this.phase = 'resuming';
    this.d.showPaused('resuming: starting the inference runtime again');
    this.emit();
    log.info('Resuming: starting the inference runtime.');
    await this.d.config
      .resumeRuntime()
      .catch((err: unknown) => log.error(`Could not start the runtime: ${String(err)}`));
    const now = this.d.runtime.status().state;
    const ok =
      now === 'ready' || (now !== 'failed' && now !== 'stopped' && (await this.whenReady()));
    if (!ok) log.warn('The runtime is not ready after the pause; serving resumes when it is.');
    if (this.wanted.paused) {
      // Paused again while starting: the next round of `settle` stops it again.
      this.phase = 'serving';
      return;
    }
    this.phase = 'serving';
    if (!this.d.networkHolding()) this.d.jobs.undrain();
    this.d.showPaused(null);
    this.d.announce();
    log.info('The pause is over: taking jobs again.');
    this.emit();
  }

  /** Resolves true once the runtime reports ready, false when it failed or took too long. */
  private whenReady(): Promise<boolean> {
    const { runtime, clock } = this.d;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        sub.dispose();
        clock.clearTimeout(timer);
        resolve(ok);
      };
      const check = (s: RuntimeStatus) => {
        if (s.state === 'ready') done(true);
        else if (s.state === 'failed') done(false);
      };
      const timer = clock.setTimeout(() => done(false), READY_TIMEOUT_MS);
      const sub = runtime.onStatus(check);
    });
  }

  private emit(): void {
    this.changed.fire(this.report());
  }
}
