import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { chown, mkdir } from 'node:fs/promises';
import { Emitter, warnListenerErrors, type Event } from '../../base/event.js';
import { canonicalJson } from '../../protocol/canonical.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { planGpuMemory } from '../gpu/gpu-memory.js';
import { OpenAIClient } from '../openai-client.js';
import {
  RuntimeError,
  type InferenceRequest,
  type InferenceResult,
  type Runtime,
  type RuntimeMetrics,
  type RuntimePlan,
  type RuntimeState,
  type RuntimeStatus,
} from '../runtime.js';
import { StreamHealth } from '../stream-health.js';
import { EMPTY_METRICS, METRICS_TIMEOUT_MS, parseVllmMetrics } from '../vllm-metrics.js';
import { containerUser, type ContainerUser } from './container-confinement.js';
import { ContainerSupervisor, type ContainerSupervisorOptions } from './container-supervisor.js';
import type { VllmContainerSpec } from './container-spec.js';
import type { ModelsVolumeMount } from './cache-mounts.js';
import type { DockerClients } from './docker-clients.js';
import { gpuDeviceRequests, tensorParallelArgs } from './gpu-request.js';
import type { ImageAllowList } from './image-allow-list.js';
import type { ImagePuller } from './image-puller.js';
import type { OwnedImages } from './owned-images.js';
import type { SupervisorStatus } from './supervisor-status.js';
import type { TransferProgress } from './transfer-progress.js';

/** After a refused connection, when the supervisor's health probe is asked again. */
const REFUSED_RECHECK_MS = 5_000;
/** How long runaway or stalled streams keep the runtime unhealthy. */
const STREAM_FAULT_HOLD_MS = 60_000;

/**
 * The GPUs this runtime's container uses (one, or a tensor-parallel group of one kind) and the
 * memory of the smallest of them: vLLM takes the same share of every GPU in the group.
 */
export interface GpuMemoryReading {
  uuids: string[];
  totalMb: number;
  freeMb: number;
}

export interface DockerVllmRuntimeOptions {
  clients: DockerClients;
  puller: ImagePuller;
  /** The repositories this node runs; a plan naming another one is refused before any pull. */
  allowList: ImageAllowList;
  /** Defaults to containerUser(): the node's own user, never root. */
  user?: ContainerUser;
  clock: Clock;
  logger: Logger;
  network: string;
  /** The data folder's mark on its containers (runtime-instance.ts). */
  instance?: string;
  /** Host folders mounted as the Hugging Face cache and vLLM's compile cache. */
  cacheDirs: { hf: string; compile: string };
  /** Set when the node runs in a container: the named volume holding `cacheDirs`, mounted instead. */
  modelsVolume?: ModelsVolumeMount;
  /** Reads the GPU to size --gpu-memory-utilization; null = run without a GPU request. */
  gpuMemory: (() => Promise<GpuMemoryReading | null>) | null;
  /** Used when there is no GPU to measure (the simulated stand-in). */
  defaultGpuMemoryUtilization?: number;
  /** Whether the model's files were installed and verified by the node (then vLLM runs offline). */
  modelInstalled?: (plan: RuntimePlan) => Promise<boolean>;
  driverMajor?: () => number | null;
  onProgress?: (p: TransferProgress) => void;
  /** Marks status().simulated: only for the devnet's stand-in image. */
  simulated?: boolean;
  owned?: OwnedImages;
  /** The engine's version as it answered discovery (Docker, or Podman's). */
  engineVersion?: string | null;
  /** For the supervisor's /health probe (inference and /metrics go through OpenAIClient). */
  fetch?: typeof fetch;
  supervisor?: Partial<Pick<ContainerSupervisorOptions, 'pickPort' | 'timing' | 'siblings'>>;
}

/**
 * The production runtime: vllm/vllm-openai in a local Docker container on the operator's GPU.
 * `apply` pulls the pinned image, sizes VRAM from what is free, and starts the supervised
 * container; inference and /metrics go through the shared OpenAI client and metrics parser.
 */
export class DockerVllmRuntime implements Runtime {
  readonly kind = 'docker-vllm';
  readonly dockerVersion: string | null;
  readonly #o: DockerVllmRuntimeOptions;
  readonly #sup: ContainerSupervisor;
  readonly #statusChanged: Emitter<RuntimeStatus>;
  readonly onStatus: Event<RuntimeStatus>;
  #status: RuntimeStatus;
  #planHash: string | null = null;
  #plan: RuntimePlan | null = null;
  /** Image digests kept when superseded images are removed: this plan's and the one before. */
  #keepDigests: string[] = [];
  #pull: AbortController | null = null;
  #client: { key: string; client: OpenAIClient } | null = null;
  #version: string | null = null;
  readonly #streams: StreamHealth;

  constructor(opts: DockerVllmRuntimeOptions) {
    this.#o = opts;
    this.dockerVersion = opts.engineVersion ?? null;
    this.#statusChanged = new Emitter({
      onListenerError: warnListenerErrors(opts.logger, 'runtime status'),
    });
    this.onStatus = this.#statusChanged.event;
    this.#sup = new ContainerSupervisor({
      clients: opts.clients,
      clock: opts.clock,
      logger: opts.logger.child('runtime'),
      network: opts.network,
      fetch: opts.fetch,
      driverMajor: opts.driverMajor,
      ...opts.supervisor,
    });
    this.#status = this.#make('stopped', 'The runtime is stopped.');
    this.#streams = new StreamHealth({ clock: opts.clock, holdMs: STREAM_FAULT_HOLD_MS });
    this.#sup.onStatus((s) => this.#fromSupervisor(s));
  }

  status(): RuntimeStatus {
    return this.#status;
  }

  /** The running container (for tests and the dashboard). */
  container(): { id: string; baseUrl: string } | null {
    const ep = this.#sup.endpoint();
    return ep ? { id: ep.containerId, baseUrl: ep.baseUrl } : null;
  }

  /** Refuses, before anything is downloaded (weights or image), a plan this node cannot run. */
  async precheck(plan: RuntimePlan): Promise<void> {
    if (!plan.image)
      throw new RuntimeError('The Docker runtime needs a runtime image in the plan.', 'failed');
    this.#refuseUnlisted(plan.image.repository);
    if (this.#o.gpuMemory && !(await this.#o.gpuMemory())) {
      const detail = 'No NVIDIA GPU is available to the runtime.';
      if (this.#sup.status().state === 'stopped') this.#set('failed', detail);
      throw new RuntimeError(detail, 'unavailable');
    }
  }

  /** Pulls `plan`'s image (allow-list first) without touching the container that serves. */
  async prefetch(plan: RuntimePlan, signal?: AbortSignal): Promise<void> {
    if (!plan.image) return;
    this.#refuseUnlisted(plan.image.repository);
    await this.#o.puller.ensure({
      image: plan.image,
      ...(signal ? { signal } : {}),
      ...(this.#o.onProgress ? { onProgress: this.#o.onProgress } : {}),
    });
  }

  async apply(plan: RuntimePlan): Promise<void> {
    if (!plan.image)
      throw new RuntimeError('The Docker runtime needs a runtime image in the plan.', 'failed');
    this.#refuseUnlisted(plan.image.repository);
    const hash = planHash(plan);
    const state = this.#sup.status().state;
    if (
      hash === this.#planHash &&
      ['ready', 'loading', 'unhealthy', 'restarting'].includes(state)
    ) {
      if (state !== 'ready') await this.#waitReady();
      return;
    }
    if (state !== 'stopped') await this.stop();
    this.#planHash = hash;
    // The image served before stays on disk: a failed runtime update goes back to it at once.
    const before = this.#plan?.image?.digest;
    this.#keepDigests = [plan.image.digest, ...(before ? [before] : [])];
    this.#plan = plan;
    this.#pull = new AbortController();
    this.#set('starting', `Checking the runtime image ${plan.image.repository}:${plan.image.tag}.`);
    try {
      const image = await this.#o.puller.ensure({
        image: plan.image,
        signal: this.#pull.signal,
        onProgress: (p) => {
          if (p.state === 'running')
            this.#set('starting', `Downloading the runtime image: ${describe(p)}.`);
          this.#o.onProgress?.(p);
        },
      });
      const spec = await this.#spec(plan, image.ref, hash);
      await this.#sup.start(spec);
    } catch (err) {
      if (this.#status.state !== 'failed' && this.#status.state !== 'stopped') {
        const e = err as { detail?: string; fix?: string; message?: string };
        this.#set('failed', [e.detail ?? e.message, e.fix].filter(Boolean).join(' '));
      }
      throw err instanceof RuntimeError ? err : new RuntimeError(this.#status.detail, 'failed');
    } finally {
      this.#pull = null;
    }
    void this.#afterReady(plan);
  }

  async stop(): Promise<void> {
    this.#pull?.abort();
    await this.#sup.stop();
    this.#client = null;
    this.#planHash = null;
  }

  async metrics(): Promise<RuntimeMetrics> {
    const client = this.#currentClient();
    if (!client) return EMPTY_METRICS;
    try {
      return parseVllmMetrics(await client.getText('/metrics', METRICS_TIMEOUT_MS));
    } catch {
      return EMPTY_METRICS;
    }
  }

  async infer(request: InferenceRequest): Promise<InferenceResult> {
    const client = this.#currentClient();
    if (!client || this.#status.state !== 'ready') {
      throw new RuntimeError(`The runtime is not ready: ${this.#status.detail}`, 'unavailable');
    }
    try {
      const result = await client.stream(request);
      this.#streams.record(null);
      return result;
    } catch (err) {
      const verdict = this.#streams.record(err);
      if (verdict.kind !== 'fine' && this.#status.state === 'ready') {
        // Refused: unhealthy now, and the supervisor's own probe decides again shortly.
        // Runaway/stalled: unhealthy for the hold period whatever the probe says.
        this.#set('unhealthy', verdict.detail);
        const again = this.#o.clock.setTimeout(
          () => this.#fromSupervisor(this.#sup.status()),
          verdict.kind === 'refused' ? REFUSED_RECHECK_MS : STREAM_FAULT_HOLD_MS,
        );
        if (typeof again === 'object') again.unref?.();
      }
      throw err;
    }
  }

  /**
   * Refuses an image outside the allow-list before anything is pulled or stopped: the apply
   * fails with the reason (the configuration status reports it) and a container already
   * serving an earlier plan keeps serving.
   */
  #refuseUnlisted(repository: string): void {
    try {
      this.#o.allowList.check(repository);
    } catch (err) {
      const detail = (err as Error).message;
      this.#o.logger.error(detail);
      if (this.#sup.status().state === 'stopped') this.#set('failed', detail);
      throw new RuntimeError(detail, 'failed');
    }
  }

  async #spec(plan: RuntimePlan, ref: string, hash: string): Promise<VllmContainerSpec> {
    const o = this.#o;
    const user = o.user ?? containerUser();
    for (const dir of [o.cacheDirs.hf, o.cacheDirs.compile]) {
      await mkdir(dir, { recursive: true });
      // A node running as root hands the caches to the container's user (nobody).
      if (process.getuid?.() === 0) await chown(dir, user.uid, user.gid);
    }
    let utilization = o.defaultGpuMemoryUtilization ?? 0.9;
    let deviceRequests: Docker.DeviceRequest[] | null = null;
    let extraArgs: string[] = [];
    if (o.gpuMemory) {
      const gpu = await o.gpuMemory();
      if (!gpu) throw new RuntimeError('No NVIDIA GPU is available to the runtime.', 'unavailable');
      const mem = planGpuMemory({
        totalMb: gpu.totalMb,
        freeMb: gpu.freeMb,
        headroomMb: plan.gpuMemoryHeadroomMb,
        // A tensor-parallel group shares the model: each GPU holds its part.
        minVramMb: Math.ceil((plan.model.minVramMb ?? 0) / Math.max(1, gpu.uuids.length)),
      });
      if (!mem.enough) {
        this.#set('failed', mem.detail);
        throw new RuntimeError(mem.detail, 'unavailable');
      }
      utilization = mem.utilization;
      deviceRequests = gpuDeviceRequests(gpu.uuids);
      extraArgs = tensorParallelArgs(gpu.uuids.length);
    }
    return {
      image: ref,
      network: o.network,
      ...(o.instance ? { instance: o.instance } : {}),
      planHash: hash,
      model: plan.model,
      maxNumSeqs: plan.maxNumSeqs,
      gpuMemoryUtilization: utilization,
      deviceRequests,
      hfCacheDir: o.cacheDirs.hf,
      compileCacheDir: o.cacheDirs.compile,
      ...(o.modelsVolume ? { modelsVolume: o.modelsVolume } : {}),
      offline: (await o.modelInstalled?.(plan)) ?? false,
      user,
      ...(extraArgs.length ? { extraArgs } : {}),
    };
  }

  async #afterReady(plan: RuntimePlan): Promise<void> {
    const client = this.#currentClient();
    try {
      const body = (await client?.getJson('/version', 2_000)) as { version?: unknown } | undefined;
      this.#version = typeof body?.version === 'string' ? body.version.slice(0, 64) : null;
      this.#fromSupervisor(this.#sup.status());
    } catch {
      // An older vLLM without /version: the version stays unknown.
    }
    if (this.#o.owned && plan.image) {
      await this.#o.owned
        .removeSuperseded(this.#o.clients.api, this.#keepDigests)
        .catch((err) =>
          this.#o.logger.warn('Could not remove old runtime images', { error: String(err) }),
        );
    }
  }

  #waitReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const sub = this.onStatus((s) => {
        if (s.state === 'ready') resolve();
        else if (s.state === 'failed' || s.state === 'stopped')
          reject(new RuntimeError(s.detail, 'failed'));
        else return;
        sub.dispose();
      });
    });
  }

  #currentClient(): OpenAIClient | null {
    const ep = this.#sup.endpoint();
    if (!ep) return null;
    const key = `${ep.baseUrl}#${ep.apiKey}`;
    if (this.#client?.key !== key) {
      const client = new OpenAIClient({
        baseUrl: ep.baseUrl,
        apiKey: ep.apiKey,
        now: () => this.#o.clock.now(),
        clock: this.#o.clock,
      });
      this.#client = { key, client };
    }
    return this.#client.client;
  }

  #fromSupervisor(s: SupervisorStatus): void {
    if (s.state === 'stopped' && this.#pull) return; // still pulling for a new plan
    const map: Record<SupervisorStatus['state'], RuntimeState> = {
      stopped: 'stopped',
      starting: 'starting',
      loading: 'loading',
      ready: 'ready',
      unhealthy: 'unhealthy',
      restarting: 'unhealthy',
      failed: 'failed',
    };
    const held = map[s.state] === 'ready' ? this.#streams.held() : null;
    if (held !== null) return this.#set('unhealthy', held);
    this.#set(map[s.state], s.fix ? `${s.detail} ${s.fix}` : s.detail);
  }

  #set(state: RuntimeState, detail: string): void {
    const next = this.#make(state, detail);
    const prev = this.#status;
    if (prev.state === next.state && prev.detail === next.detail && prev.version === next.version)
      return;
    this.#status = next;
    this.#statusChanged.fire(next);
  }

  #make(state: RuntimeState, detail: string): RuntimeStatus {
    return {
      kind: this.kind,
      state,
      detail,
      version: this.#version,
      servedModels: state === 'ready' && this.#plan ? [this.#plan.model.servedName] : [],
      simulated: this.#o.simulated ?? false,
    };
  }
}

/** Identifies a plan; stored as a container label so a changed plan means a new container. */
export function planHash(plan: RuntimePlan): string {
  // The node-wide cap is not this container's: its share is in maxNumSeqs.
  const { jobsCap: _cap, ...own } = plan;
  return createHash('sha256').update(canonicalJson(own)).digest('hex').slice(0, 16);
}

function describe(p: TransferProgress): string {
  const gb = (b: number) => (b / 1024 ** 3).toFixed(2);
  const total = p.bytesTotal === null ? '' : ` of ${gb(p.bytesTotal)} GB`;
  const eta = p.etaSeconds === null ? '' : `, about ${Math.ceil(p.etaSeconds / 60)} min left`;
  return `${gb(p.bytesDone)} GB${total}${eta}`;
}
