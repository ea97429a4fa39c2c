import type { Logger } from '../logger.js';
import type { VerifiedSnapshot } from '../protocol/index.js';
import type { Runtime, RuntimePlan } from '../runtime/runtime.js';
import { runtimeImageRequest } from './runtime-image-request.js';
import { runtimePlanFor, samePlan, type PlanContext } from './runtime-plan.js';
import type { RuntimeUpdater } from './runtime-update.js';

/** Told after each attempt: `error` is null when the runtime serves `target`'s plan. */
export type RuntimeOutcome = (target: VerifiedSnapshot, error: string | null) => Promise<void>;

/**
 * Brings the runtime to the plan of the newest snapshot, in the background: loading a model
 * can take minutes, and configuration, heartbeats and the job link must not wait for it.
 * One attempt at a time; a newer target queued meanwhile is taken next.
 */
export class RuntimeFollower {
  private plan: RuntimePlan | null = null;
  private task: Promise<void> | null = null;
  private next: VerifiedSnapshot | null = null;
  /** Held by an operator pause: nothing is applied until `release`. */
  private held = false;

  constructor(
    private readonly runtime: Pick<Runtime, 'apply'>,
    private readonly context: () => PlanContext,
    private readonly log: Logger,
    private readonly outcome: RuntimeOutcome,
    /** Changes of image go through it (pull while serving, test, roll back); absent: plain apply. */
    private readonly updates: RuntimeUpdater | null = null,
  ) {}

  /** Starts (or queues) bringing the runtime to `target`'s plan. */
  follow(target: VerifiedSnapshot): Promise<void> {
    this.next = target;
    if (this.held) return Promise.resolve();
    this.task ??= this.run().finally(() => (this.task = null));
    return this.task;
  }

  /** Resolves when no attempt is running. */
  async idle(): Promise<void> {
    while (this.task) await this.task;
  }

  /**
   * An operator pause: applies nothing more until `release`, and forgets the plan served (the
   * pause stops the runtime), so `release` brings it back. An attempt in progress is not awaited.
   */
  hold(): void {
    this.held = true;
    this.plan = null;
  }

  /** The pause is over: brings the runtime to `target`'s plan (or the newer one queued). */
  release(target: VerifiedSnapshot | null): Promise<void> {
    this.held = false;
    const next = this.next ?? target;
    return next ? this.follow(next) : this.idle();
  }

  private async run(): Promise<void> {
    while (this.next && !this.held) {
      const target = this.next;
      this.next = null;
      const error = await this.attempt(target);
      if (this.held) {
        // Paused meanwhile: the runtime is being stopped; this target waits for `release`.
        this.next ??= target;
        this.plan = null;
        return;
      }
      await this.outcome(target, error).catch((err: unknown) =>
        this.log.error(`Handling the runtime outcome failed: ${(err as Error).message}`),
      );
    }
  }

  private async attempt(target: VerifiedSnapshot): Promise<string | null> {
    let plan: RuntimePlan;
    const ctx = this.context();
    try {
      plan = runtimePlanFor(target.snapshot, ctx);
    } catch (err) {
      return (err as Error).message;
    }
    const updates = this.updates;
    if (updates) {
      updates.requested(runtimeImageRequest(target.snapshot, ctx.driverMajor));
      plan = updates.adjust(plan);
    }
    if (samePlan(plan, this.plan)) return null;
    if (updates?.isSwitch(plan)) {
      const { plan: serving, error } = await updates.switchTo(plan, this.plan);
      this.plan = serving;
      return error;
    }
    try {
      await this.runtime.apply(plan);
      this.plan = plan;
      updates?.served(plan);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }
}
