import type { Logger } from '../logger.js';
import type { VerifiedSnapshot } from '../protocol/index.js';
import type { Runtime, RuntimePlan } from '../runtime/runtime.js';
import { runtimePlanFor, samePlan, type PlanContext } from './runtime-plan.js';

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

  constructor(
    private readonly runtime: Pick<Runtime, 'apply'>,
    private readonly context: () => PlanContext,
    private readonly log: Logger,
    private readonly outcome: RuntimeOutcome,
  ) {}

  /** Starts (or queues) bringing the runtime to `target`'s plan. */
  follow(target: VerifiedSnapshot): Promise<void> {
    this.next = target;
    this.task ??= this.run().finally(() => (this.task = null));
    return this.task;
  }

  /** Resolves when no attempt is running. */
  async idle(): Promise<void> {
    while (this.task) await this.task;
  }

  private async run(): Promise<void> {
    while (this.next) {
      const target = this.next;
      this.next = null;
      const error = await this.attempt(target);
      await this.outcome(target, error).catch((err: unknown) =>
        this.log.error(`Handling the runtime outcome failed: ${(err as Error).message}`),
      );
    }
  }

  private async attempt(target: VerifiedSnapshot): Promise<string | null> {
    let plan: RuntimePlan;
    try {
      plan = runtimePlanFor(target.snapshot, this.context());
    } catch (err) {
      return (err as Error).message;
    }
    if (samePlan(plan, this.plan)) return null;
    try {
      await this.runtime.apply(plan);
      this.plan = plan;
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }
}
