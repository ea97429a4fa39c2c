import { Emitter, warnListenerErrors, type Event } from '../base/event.js';
import { sleep, type Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { RuntimeUpdateReport, RuntimeUpdateState } from '../protocol/index.js';
import type { Runtime, RuntimePlan } from '../runtime/runtime.js';
import type { RuntimeImageRequest } from './runtime-image-request.js';

type PlanImage = NonNullable<RuntimePlan['image']>;

export interface RuntimeUpdaterDeps {
  runtime: Pick<Runtime, 'apply' | 'infer' | 'prefetch' | 'status'>;
  /** Jobs accepted and not finished yet. */
  inFlight: () => number;
  clock: Clock;
  logger: Logger;
  /** How long the test inference on a new image may take. Default 60 s. */
  testTimeoutMs?: number;
  /** How often the running jobs are counted while waiting for none. Default 250 ms. */
  pollMs?: number;
}

/** What a switch ended with: the plan that serves now (null: none) and the error, if any. */
export interface SwitchOutcome {
  plan: RuntimePlan | null;
  error: string | null;
}

const TEST_PROMPT = 'Reply with the word ready.';
export const HELD_FOR_SWITCH = 'The node is switching its runtime to a new image.';

/**
 * Moves the runtime to a new image the safe way (docs/PROTOCOL.md, "Runtime updates"): pulls it
 * while the old image serves, holds new jobs back and waits for the running ones to finish,
 * starts the new image, runs a short test completion on it, and goes back to the previous image
 * when the start or the test fails. An image rolled back is not tried again by this process.
 */
export class RuntimeUpdater {
  readonly #d: RuntimeUpdaterDeps;
  readonly #changed: Emitter<RuntimeUpdateReport | null>;
  readonly onChange: Event<RuntimeUpdateReport | null>;
  #report: RuntimeUpdateReport | null = null;
  /** The image known to serve well: what a failed switch goes back to. */
  #current: PlanImage | null = null;
  readonly #rolledBack = new Set<string>();
  #held: string | null = null;
  /** The digest the applied snapshot asks for (null: no update requested). */
  #wanted: string | null = null;

  constructor(deps: RuntimeUpdaterDeps) {
    this.#d = deps;
    this.#changed = new Emitter({
      onListenerError: warnListenerErrors(deps.logger, 'runtime update'),
    });
    this.onChange = this.#changed.event;
  }

  /** The last runtime update and where it stands (null: none was requested or needed). */
  report(): RuntimeUpdateReport | null {
    return this.#report;
  }

  /** Why new jobs are refused now (during a switch), or null. */
  held(): string | null {
    return this.#held;
  }

  /** The snapshot's `updates.runtime`, read at each attempt: a refusal is reported once. */
  requested(request: RuntimeImageRequest | null): void {
    this.#wanted = request?.digest ?? null;
    if (!request?.refused) return;
    const r = this.#report;
    if (r?.digest === request.digest && r.state === 'refused') return;
    this.#d.logger.warn(
      `Not switching the runtime to ${request.digest}: ${request.refused}. The current image keeps serving.`,
    );
    this.#set(request.digest, 'refused', request.refused);
  }

  /** `plan`, but on the image serving now when `plan` names one this process rolled back. */
  adjust(plan: RuntimePlan): RuntimePlan {
    if (!plan.image || !this.#current || !this.#rolledBack.has(plan.image.digest)) return plan;
    return { ...plan, image: this.#current };
  }

  /** True when `plan` changes the image of a runtime that served: `switchTo` does it. */
  isSwitch(plan: RuntimePlan): boolean {
    if (!this.#managesImages()) return false;
    return !!plan.image && !!this.#current && plan.image.digest !== this.#current.digest;
  }

  /** A plan was applied the plain way (first start, or no image change): its image serves. */
  served(plan: RuntimePlan): void {
    if (!plan.image) return;
    this.#current = plan.image;
    const digest = plan.image.digest;
    if (!this.#managesImages()) return;
    if (digest === this.#wanted && this.#report?.digest !== digest) this.#set(digest, 'done');
  }

  /** Pull while serving → hold new jobs, wait for none → start → test → keep, or go back. */
  async switchTo(next: RuntimePlan, served: RuntimePlan | null): Promise<SwitchOutcome> {
    const image = next.image as PlanImage;
    const previous = this.#current as PlanImage;
    const log = this.#d.logger;
    this.#set(image.digest, 'pulling');
    log.info(`Runtime update: downloading ${image.repository}@${image.digest} while serving.`);
    try {
      await this.#d.runtime.prefetch?.(next);
    } catch (err) {
      const why = `the new runtime image could not be downloaded: ${(err as Error).message}`;
      log.error(`Runtime update: ${why}. The current image keeps serving.`);
      this.#set(image.digest, 'failed', why);
      return { plan: served, error: why };
    }
    this.#set(image.digest, 'switching');
    this.#held = HELD_FOR_SWITCH;
    try {
      await this.#noJobs();
      log.info('Runtime update: no job is running; starting the new image.');
      const problem = await this.#startAndTest(next);
      if (problem === null) {
        this.#current = image;
        this.#set(image.digest, 'done');
        log.info(`Runtime update: ${image.repository}@${image.digest} serves now.`);
        return { plan: next, error: null };
      }
      this.#rolledBack.add(image.digest);
      log.error(`Runtime update: ${problem}. Going back to ${previous.digest}.`);
      const back = { ...next, image: previous };
      try {
        await this.#noJobs();
        await this.#d.runtime.apply(back);
      } catch (err) {
        const why = `${problem}; going back to the previous image failed too: ${(err as Error).message}`;
        this.#set(image.digest, 'failed', why);
        return { plan: null, error: why };
      }
      this.#set(image.digest, 'rolled_back', problem);
      return { plan: back, error: null };
    } finally {
      this.#held = null;
    }
  }

  async #startAndTest(plan: RuntimePlan): Promise<string | null> {
    try {
      await this.#d.runtime.apply(plan);
    } catch (err) {
      return `the new image did not start: ${(err as Error).message}`;
    }
    const abort = new AbortController();
    const timer = this.#d.clock.setTimeout(
      () => abort.abort(new Error('the test inference timed out')),
      this.#d.testTimeoutMs ?? 60_000,
    );
    try {
      const result = await this.#d.runtime.infer({
        jobId: `runtime-update-test-${this.#d.clock.now()}`,
        model: plan.model.servedName,
        kind: 'completion',
        prompt: TEST_PROMPT,
        maxTokens: 8,
        temperature: 0,
        signal: abort.signal,
      });
      if (result.usage.completion_tokens < 1 || result.text.length === 0)
        return 'the test inference on the new image returned no text';
      return null;
    } catch (err) {
      return `the test inference on the new image failed: ${(err as Error).message}`;
    } finally {
      this.#d.clock.clearTimeout(timer);
    }
  }

  /**
   * The node runs the image itself (a container runtime), or the devnet's simulator stands in
   * for any image. A runtime the operator runs (an external endpoint) is not switched or
   * reported by the node: it logs which image the network wants instead (external-runtime.ts).
   */
  #managesImages(): boolean {
    const rt = this.#d.runtime;
    return typeof rt.prefetch === 'function' || rt.status().simulated;
  }

  /** Waits until no job runs: running jobs are never cut off (they end by their own timeout). */
  async #noJobs(): Promise<void> {
    while (this.#d.inFlight() > 0) await sleep(this.#d.clock, this.#d.pollMs ?? 250);
  }

  #set(digest: string, state: RuntimeUpdateState, error?: string): void {
    this.#report = {
      digest,
      state,
      ...(error ? { error: error.slice(0, 500) } : {}),
      since: this.#d.clock.now(),
    };
    this.#changed.fire(this.#report);
  }
}
