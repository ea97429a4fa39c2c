import { Emitter, warnListenerErrors, type Event } from '../../base/event.js';
import type { Logger } from '../../logger.js';
import type { ApprovedModel } from '../../protocol/schemas/snapshot.js';
import {
  RuntimeError,
  type InferenceRequest,
  type InferenceResult,
  type ModelInventory,
  type Runtime,
  type RuntimeMetrics,
  type RuntimePlan,
  type RuntimeStatus,
} from '../runtime.js';
import type { ModelLibrary } from './model-library.js';
import { ModelError } from './model-errors.js';

/**
 * A runtime that starts only on verified weights: `apply` first has the library download the
 * plan's model and check every file's SHA-256 against the configuration, and hands the plan to
 * the runtime underneath only then. While the files are fetched, a runtime already serving
 * (an earlier plan, or the devnet's simulator, which needs no files) keeps serving and its
 * status is shown; otherwise the status says the files are being fetched, or why they failed.
 */
export class VerifiedModelRuntime implements Runtime {
  readonly kind: string;
  readonly dockerVersion: string | null;
  readonly onStatus: Event<RuntimeStatus>;
  readonly models: ModelInventory;
  readonly #statusChanged: Emitter<RuntimeStatus>;
  /** Our status while preparing files (or after that failed); shown while the runtime is not ready. */
  #own: RuntimeStatus | null = null;
  #prep: AbortController | null = null;
  /** The verified plan went to the runtime: its next status replaces ours. */
  #handedOver = false;

  constructor(
    private readonly inner: Runtime,
    private readonly library: ModelLibrary,
    private readonly approved: () => readonly ApprovedModel[],
    logger: Logger,
  ) {
    this.kind = inner.kind;
    this.dockerVersion = inner.dockerVersion ?? null;
    this.models = library;
    this.#statusChanged = new Emitter({
      onListenerError: warnListenerErrors(logger, 'runtime status'),
    });
    this.onStatus = this.#statusChanged.event;
    inner.onStatus((s) => {
      if (this.#own && (s.state === 'ready' || this.#handedOver)) this.#own = null;
      if (!this.#own) this.#statusChanged.fire(s);
    });
  }

  status(): RuntimeStatus {
    const inner = this.inner.status();
    return inner.state === 'ready' ? inner : (this.#own ?? inner);
  }

  async apply(plan: RuntimePlan): Promise<void> {
    await this.inner.precheck?.(plan);
    const model = this.approved().find(
      (m) =>
        m.name === plan.model.name &&
        m.revision === plan.model.revision &&
        m.served_name === plan.model.servedName,
    );
    if (!model)
      throw new RuntimeError(
        `The model ${plan.model.name}@${plan.model.revision} is not in the applied configuration.`,
        'failed',
      );
    this.#prep?.abort();
    const prep = new AbortController();
    this.#prep = prep;
    this.#handedOver = false;
    this.#setOwn('starting', `Downloading and checking the files of ${model.name}.`);
    try {
      await this.library.prepare(model, prep.signal);
    } catch (err) {
      const detail =
        err instanceof ModelError
          ? `${err.detail} ${err.fix}`
          : `The files of ${model.name} could not be prepared: ${(err as Error).message}`;
      if (prep.signal.aborted) throw new RuntimeError(detail, 'cancelled');
      this.#setOwn('failed', detail);
      throw new RuntimeError(detail, 'failed');
    } finally {
      if (this.#prep === prep) this.#prep = null;
    }
    this.#handedOver = true;
    try {
      await this.inner.apply(plan);
    } finally {
      this.#release();
    }
  }

  async stop(): Promise<void> {
    this.#prep?.abort();
    this.library.close();
    this.#release();
    await this.inner.stop();
  }

  prefetch(plan: RuntimePlan, signal?: AbortSignal): Promise<void> {
    return this.inner.prefetch?.(plan, signal) ?? Promise.resolve();
  }

  capacity(): number | null {
    return this.inner.capacity?.() ?? null;
  }

  metrics(): Promise<RuntimeMetrics> {
    return this.inner.metrics();
  }

  infer(request: InferenceRequest): Promise<InferenceResult> {
    return this.inner.infer(request);
  }

  /** Shows the runtime's own status again. */
  #release(): void {
    if (!this.#own) return;
    this.#own = null;
    this.#statusChanged.fire(this.inner.status());
  }

  #setOwn(state: 'starting' | 'failed', detail: string): void {
    const base = this.inner.status();
    this.#own = { ...base, state, detail, servedModels: [] };
    if (base.state !== 'ready') this.#statusChanged.fire(this.#own);
  }
}
