import { Emitter, warnListenerErrors, type Event } from '../base/event.js';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { silentLogger, type Logger } from '../logger.js';
import { OpenAIClient } from './openai-client.js';
import { RuntimeHttpError } from './openai-errors.js';
import type {
  InferenceRequest,
  InferenceResult,
  Runtime,
  RuntimeMetrics,
  RuntimePlan,
  RuntimeState,
  RuntimeStatus,
} from './runtime.js';
import { RuntimeError } from './runtime.js';
import { StreamHealth } from './stream-health.js';
import { reportRequiredImage, writePlanFile } from './external-plan.js';
import { EMPTY_METRICS, METRICS_TIMEOUT_MS, parseVllmMetrics } from './vllm-metrics.js';

export interface ExternalRuntimeOptions {
  /** Server root of a running OpenAI-compatible endpoint, e.g. `http://127.0.0.1:8000`. */
  url: string;
  apiKey?: string | null;
  /** Only marks `status().simulated` (the devnet's simulated runtime). */
  simulated?: boolean;
  clock?: Clock;
  logger?: Logger;
  /** Time between health checks. Default 5 s. */
  healthIntervalMs?: number;
  /**
   * Time between health checks while the runtime does not serve (starting, loading, down),
   * if shorter than healthIntervalMs. Default 1 s: no job is taken until a check passes, so a
   * restarted runtime would otherwise sit idle for up to a whole interval.
   */
  notReadyIntervalMs?: number;
  /** How long `apply` waits for the endpoint to serve the model. Default 10 min (cold start). */
  applyTimeoutMs?: number;
  /** Silence mid-answer that counts as a stalled stream. Default 30 s. */
  stallTimeoutMs?: number;
  /** How long runaway/stalled streams keep the runtime unhealthy. Default 60 s. */
  streamFaultHoldMs?: number;
  /** Where each plan is written for a runtime launcher (the Kubernetes pod's vLLM container). */
  planFile?: string;
  /** The image the operator runs this runtime with (`repo:tag@sha256:…`), checked by digest. */
  declaredImage?: string;
}

/**
 * A runtime the node does not manage: any running OpenAI-compatible endpoint (a `vllm serve`
 * started by the operator, or the devnet's simulated runtime). It watches `/health` and
 * `/v1/models`; it cannot load models, so `apply` only checks the endpoint serves the plan's.
 */
export class ExternalRuntime implements Runtime {
  readonly kind: string;
  private readonly client: OpenAIClient;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly intervalMs: number;
  private readonly notReadyIntervalMs: number;
  private readonly applyTimeoutMs: number;
  private current: RuntimeStatus;
  private plan: RuntimePlan | null = null;
  private timer: TimerHandle | null = null;
  /** The loop's timer was set for notReadyIntervalMs. */
  private timerIsShort = false;
  private running = false;
  private checking: Promise<void> | null = null;
  private everReady = false;
  private versionChecked = false;
  private readonly streams: StreamHealth;
  private readonly statusChanged: Emitter<RuntimeStatus>;
  /** Fires on every status change. */
  readonly onStatus: Event<RuntimeStatus>;
  private reportedImage: string | null = null;

  constructor(private readonly options: ExternalRuntimeOptions) {
    this.kind = options.simulated ? 'simulated' : 'external';
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? silentLogger).child('runtime');
    this.statusChanged = new Emitter({
      onListenerError: warnListenerErrors(this.log, 'runtime status'),
    });
    this.onStatus = this.statusChanged.event;
    this.intervalMs = options.healthIntervalMs ?? 5_000;
    this.notReadyIntervalMs = Math.min(this.intervalMs, options.notReadyIntervalMs ?? 1_000);
    this.applyTimeoutMs = options.applyTimeoutMs ?? 600_000;
    this.client = new OpenAIClient({
      baseUrl: options.url,
      apiKey: options.apiKey ?? null,
      now: () => this.clock.now(),
      clock: this.clock,
      ...(options.stallTimeoutMs ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
    });
    this.streams = new StreamHealth({
      clock: this.clock,
      ...(options.streamFaultHoldMs ? { holdMs: options.streamFaultHoldMs } : {}),
    });
    this.current = {
      kind: this.kind,
      state: 'stopped',
      detail: `Not watching the runtime at ${this.client.baseUrl} yet.`,
      version: null,
      servedModels: [],
      simulated: options.simulated ?? false,
    };
  }

  status(): RuntimeStatus {
    return this.current;
  }

  async apply(plan: RuntimePlan): Promise<void> {
    this.plan = plan;
    // The devnet's simulated runtime stands in for any image: nothing for the operator to update.
    if (!this.options.simulated) {
      this.reportedImage = reportRequiredImage(
        plan,
        this.options.declaredImage ?? null,
        this.client.baseUrl,
        this.log,
        this.reportedImage,
      );
    }
    if (this.options.planFile) {
      try {
        await writePlanFile(this.options.planFile, plan);
      } catch (err) {
        throw new RuntimeError(
          `Could not write the runtime plan to ${this.options.planFile}: ${(err as Error).message}`,
          'failed',
        );
      }
    }
    this.startLoop();
    await this.check();
    if (this.current.state === 'ready') return;
    if (this.current.state === 'failed') throw new RuntimeError(this.current.detail, 'failed');
    await new Promise<void>((resolve, reject) => {
      const timeout = this.clock.setTimeout(() => {
        sub.dispose();
        reject(
          new RuntimeError(
            `The runtime at ${this.client.baseUrl} did not become ready within ${Math.round(this.applyTimeoutMs / 1000)} s. ${this.current.detail}`,
            'unavailable',
          ),
        );
      }, this.applyTimeoutMs);
      const sub = this.onStatus((s) => {
        if (s.state !== 'ready' && s.state !== 'failed' && s.state !== 'stopped') return;
        sub.dispose();
        this.clock.clearTimeout(timeout);
        if (s.state === 'ready') resolve();
        else reject(new RuntimeError(s.detail, s.state === 'failed' ? 'failed' : 'unavailable'));
      });
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.checking?.catch(() => undefined);
    this.setStatus('stopped', `Stopped watching the runtime at ${this.client.baseUrl}.`);
  }

  async metrics(): Promise<RuntimeMetrics> {
    try {
      return parseVllmMetrics(await this.client.getText('/metrics', METRICS_TIMEOUT_MS));
    } catch {
      return EMPTY_METRICS;
    }
  }

  async infer(request: InferenceRequest): Promise<InferenceResult> {
    try {
      const result = await this.client.stream(request);
      this.streams.record(null);
      return result;
    } catch (err) {
      const verdict = this.streams.record(err);
      // A refused connection proves the runtime is down now: stop taking jobs at once rather
      // than failing every job until the next health check.
      if (verdict.kind !== 'fine' && this.running && this.current.state === 'ready')
        this.setStatus('unhealthy', verdict.detail);
      throw err;
    }
  }

  /** Runs one health check now (the loop also runs them). */
  check(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private startLoop(): void {
    if (this.running) return;
    this.running = true;
    if (this.current.state === 'stopped')
      this.setStatus('starting', `Waiting for the runtime at ${this.client.baseUrl} to answer.`);
    this.armLoop();
  }

  /** The loop's next check: sooner while the runtime does not serve (see notReadyIntervalMs). */
  private armLoop(): void {
    const ready = this.current.state === 'ready';
    this.timerIsShort = !ready;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = null;
        if (!this.running) return;
        void this.check().finally(() => {
          if (this.running && this.timer === null) this.armLoop();
        });
      },
      ready ? this.intervalMs : this.notReadyIntervalMs,
    );
  }

  private async runCheck(): Promise<void> {
    const held = this.streams.held();
    if (held !== null) return this.setStatus('unhealthy', held);
    let served: string[];
    try {
      await this.client.getText('/health');
      served = modelIds(await this.client.getJson('/v1/models'));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!this.running) return;
      if (err instanceof RuntimeHttpError && err.status === 503)
        return this.setStatus(
          'loading',
          `The runtime is starting up or loading its model. ${message}`,
        );
      const state: RuntimeState = this.everReady ? 'unhealthy' : 'starting';
      return this.setStatus(state, message);
    }
    if (!this.running) return;
    if (!this.versionChecked) {
      this.versionChecked = true;
      this.current = { ...this.current, version: await this.version() };
    }
    const want = this.plan?.model.servedName;
    if (want && !served.includes(want)) {
      return this.setStatus(
        'failed',
        `The runtime at ${this.client.baseUrl} serves ${served.join(', ') || 'no model'}, not "${want}". ` +
          `The node cannot load models into an external runtime: restart it with --served-model-name ${want}.`,
        served,
      );
    }
    this.everReady = true;
    // Streams went bad while this check was under way: they outweigh /health answering.
    const heldNow = this.streams.held();
    if (heldNow !== null) return this.setStatus('unhealthy', heldNow, served);
    this.setStatus('ready', `Serving ${served.join(', ')} at ${this.client.baseUrl}.`, served);
  }

  private async version(): Promise<string | null> {
    try {
      const body = await this.client.getJson('/version', 2_000);
      const v = (body as { version?: unknown } | null)?.version;
      return typeof v === 'string' ? v.slice(0, 64) : null;
    } catch {
      return null;
    }
  }

  private setStatus(state: RuntimeState, detail: string, servedModels?: string[]): void {
    const models = servedModels ?? (state === 'ready' ? this.current.servedModels : []);
    const prev = this.current;
    if (prev.state === state && prev.detail === detail && sameList(prev.servedModels, models))
      return;
    this.current = { ...prev, state, detail, servedModels: models };
    // It stopped serving between the loop's checks (a refused job, a check run by apply): the
    // next check comes within notReadyIntervalMs, not a whole healthIntervalMs later.
    if (state !== 'ready' && this.running && this.timer !== null && !this.timerIsShort) {
      this.clock.clearTimeout(this.timer);
      this.armLoop();
    }
    if (prev.state !== state) this.log.info(`Runtime ${state}: ${detail}`);
    this.statusChanged.fire(this.current);
  }
}

function modelIds(body: unknown): string[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return [];
  return data
    .map((m) => (m as { id?: unknown } | null)?.id)
    .filter((id): id is string => typeof id === 'string');
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
