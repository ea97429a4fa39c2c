import type { PauseDto } from '../contract/index.js';
import type { OperatorPause, OperatorPauseReport } from '../core/agent/operator-pause.js';
import { Emitter, type Event } from '../core/base/event.js';
import type { DisposableStore } from '../core/base/lifecycle.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { PauseController } from '../core/pause/pause-controller.js';
import { pauseHeadline, type PauseSource } from '../core/pause/pause-sources.js';
import { localClockTime } from '../core/pause/pause-words.js';

/**
 * The host's side of the operator pause: one PauseController for the whole process (requests
 * outlive a Stop/Start), handed to each run's agent, and the pause as the UI shows it.
 */
export class PauseHost {
  readonly controller: PauseController;
  private report: OperatorPauseReport | null = null;
  /** Triggers that cannot work here (no xprop, no idle time), with the reason. */
  private readonly unavailable = new Map<PauseSource, string>();
  private readonly changed = new Emitter<void>();
  /** Fires when the wanted pause or the running agent's pause phase changes. */
  readonly onChange: Event<void> = this.changed.event;

  constructor(
    private readonly clock: Clock,
    private readonly log?: Logger,
  ) {
    this.controller = new PauseController(clock, log);
    this.controller.onChange(() => this.changed.fire());
  }

  /** Gives a run's agent the wanted pause now and on every change (until `store` is cleared). */
  attach(agent: { operatorPause: OperatorPause }, store: DisposableStore): void {
    const apply = () =>
      void agent.operatorPause
        .set(this.controller.state())
        .catch((err: unknown) => this.log?.error(`The pause failed: ${String(err)}`));
    this.report = agent.operatorPause.report();
    if (this.controller.state().paused) apply();
    this.controller.onChange(apply, store);
    agent.operatorPause.onChange((r) => {
      this.report = r;
      this.changed.fire();
    }, store);
  }

  /** "Pause for N minutes" (null: until resumed). */
  pauseFor(minutes: number | null): void {
    const until = minutes === null ? null : this.clock.now() + minutes * 60_000;
    this.controller.request('manual', {
      reason: 'paused by you',
      resumes: until === null ? 'until you resume' : `resumes at ${localClockTime(until)}`,
      until,
    });
  }

  /** Withdraws the manual pause; other causes (a game, the schedule) may still hold it. */
  resume(): void {
    this.controller.release('manual');
  }

  /** A trigger says it cannot work on this machine (a reason) or that it works again (null). */
  setAvailability(source: PauseSource, unavailable: string | null): void {
    if ((this.unavailable.get(source) ?? null) === unavailable) return;
    if (unavailable === null) this.unavailable.delete(source);
    else this.unavailable.set(source, unavailable);
    this.changed.fire();
  }

  isPausedByHand(): boolean {
    return this.controller.isRequested('manual');
  }

  dto(): PauseDto {
    const state = this.controller.state();
    const r = this.report;
    const phase = r?.phase ?? (state.paused ? 'paused' : 'serving');
    const stopped = r?.runtimeStoppedAt ?? null;
    return {
      phase,
      headline: pauseHeadline(state),
      requests: state.requests.map((q) => ({ ...q })),
      since: state.since,
      runtimeStoppedAt: stopped,
      vramFreedAfterMs: stopped !== null && r?.triggeredAt != null ? stopped - r.triggeredAt : null,
      handedBack: r?.handedBack ?? 0,
      ...(r?.step ? { pausingStep: r.step } : {}),
      ...(this.unavailable.size > 0
        ? { unavailable: [...this.unavailable].map(([source, reason]) => ({ source, reason })) }
        : {}),
    };
  }

  dispose(): void {
    this.controller.dispose();
    this.changed.dispose();
  }
}
