import { Emitter, warnListenerErrors, type Event } from '../../base/event.js';
import type { Logger } from '../../logger.js';
import { planGpuLayout, shareConcurrency, type GpuGroup } from '../gpu/gpu-layout.js';
import type { GpuReading } from '../gpu/nvidia-smi-query.js';
import {
  RuntimeError,
  type InferenceRequest,
  type InferenceResult,
  type Runtime,
  type RuntimeMetrics,
  type RuntimePlan,
  type RuntimeStatus,
} from '../runtime.js';
import { EMPTY_METRICS } from '../vllm-metrics.js';
import type { GpuMemoryReading } from './docker-vllm-runtime.js';
import type { GpuGateResult } from './gpu-gate.js';
import type { ImageAllowList } from './image-allow-list.js';
import { fleetMetrics, fleetStatus } from './fleet-status.js';

/** One runtime container of the fleet (a DockerVllmRuntime on its GPU or GPU group). */
export type SlotRuntime = Runtime & { container(): { id: string; baseUrl: string } | null };

export interface GpuFleetOptions {
  logger: Logger;
  dockerVersion: string | null;
  /** The repositories this node runs: checked first, before the GPU or any pull. */
  allowList: Pick<ImageAllowList, 'check'>;
  /** Every GPU now (sampler or probe); [] or null: none. */
  readGpus: () => Promise<GpuReading[] | null>;
  /** GPU first, download second: checked before any image is pulled. */
  gate: (image: NonNullable<RuntimePlan['image']>) => Promise<GpuGateResult>;
  /** Pulls the plan's image once for all containers. */
  pull: (plan: RuntimePlan, signal: AbortSignal) => Promise<void>;
  /** Removes this node's leftover containers of earlier runs (before the slots start). */
  removeStale: () => Promise<unknown>;
  /** A runtime for one container, reading the memory of its own GPUs. */
  makeSlot: (gpu: () => Promise<GpuMemoryReading | null>) => SlotRuntime;
}

interface Slot {
  key: string;
  share: number;
  runtime: SlotRuntime;
  inFlight: number;
  /** When it was last given a job: ties go to the one that waited longest. */
  lastUsed: number;
}

/**
 * Every GPU serves: one vLLM container per GPU that holds the model (each pinned by UUID, on
 * its own 127.0.0.1 port, with its share of the jobs at once), or one tensor-parallel
 * container over GPUs of one kind when none holds it alone. Jobs go to the ready container
 * with the fewest running; the node's capacity is the sum of the ready shares, so one failed
 * container takes away only its own share.
 */
export class GpuFleetRuntime implements Runtime {
  readonly kind = 'docker-vllm';
  readonly dockerVersion: string | null;
  readonly #o: GpuFleetOptions;
  readonly #changed: Emitter<RuntimeStatus>;
  readonly onStatus: Event<RuntimeStatus>;
  #slots: Slot[] = [];
  #status: RuntimeStatus;
  #pull: AbortController | null = null;
  #assigned = 0;

  constructor(o: GpuFleetOptions) {
    this.#o = o;
    this.dockerVersion = o.dockerVersion;
    this.#changed = new Emitter({
      onListenerError: warnListenerErrors(o.logger, 'runtime status'),
    });
    this.onStatus = this.#changed.event;
    this.#status = fleetStatus([], 'The runtime is stopped.');
  }

  status(): RuntimeStatus {
    return this.#status;
  }

  /** The running containers, in GPU order (tests and the dashboard). */
  containers(): { id: string; baseUrl: string }[] {
    return this.#slots.flatMap((s) => s.runtime.container() ?? []);
  }

  capacity(): number | null {
    if (this.#slots.length === 0) return null;
    return this.#slots.reduce(
      (n, s) => n + (s.runtime.status().state === 'ready' ? s.share : 0),
      0,
    );
  }

  /**
   * Refuses, before anything is downloaded (model files or image), a plan this node cannot run:
   * an image off the allow-list, no usable GPU, or a model no GPU group can hold.
   */
  async precheck(plan: RuntimePlan): Promise<void> {
    await this.#checked(plan);
  }

  /** Pulls `plan`'s image once for all containers while they keep serving the current one. */
  async prefetch(plan: RuntimePlan, signal?: AbortSignal): Promise<void> {
    if (!plan.image) return;
    this.#o.allowList.check(plan.image.repository);
    await this.#o.pull(plan, signal ?? new AbortController().signal);
  }

  async apply(plan: RuntimePlan): Promise<void> {
    const { image, gpus, layout } = await this.#checked(plan);
    const keys = layout.groups.map(groupKey);
    const shares = shareConcurrency(keys.length, plan.maxNumSeqs, plan.jobsCap ?? null);
    const same =
      keys.length === this.#slots.length && keys.every((k, i) => this.#slots[i]?.key === k);
    if (!same) {
      await this.stop();
      this.#set(`Checking the GPU before the runtime image ${image.repository}.`);
      const gate = await this.#o.gate(image);
      if (!gate.ok) {
        this.#o.logger.error(`${gate.detail} ${gate.fix}`, { cause: gate.raw });
        return this.#refuse(`${gate.detail} ${gate.fix}`, gate.raw);
      }
      this.#pull = new AbortController();
      try {
        await this.#o.pull(plan, this.#pull.signal);
      } catch (err) {
        const e = err as { detail?: string; fix?: string; message?: string };
        return this.#refuse([e.detail ?? e.message, e.fix].filter(Boolean).join(' '));
      } finally {
        this.#pull = null;
      }
      await this.#o.removeStale();
      this.#slots = layout.groups.map((group, i) => this.#slot(keys[i] as string, group, gpus));
      const how =
        layout.mode === 'tensor-parallel'
          ? 'one tensor-parallel container on'
          : 'one container per GPU on';
      this.#o.logger.info(
        `Serving ${plan.model.servedName} with ${how} ${layout.groups
          .flat()
          .map((g) => g.index)
          .join(', ')}.`,
      );
    }
    this.#slots.forEach((s, i) => (s.share = shares[i] ?? 0));
    const started = this.#slots.filter((s) => s.share > 0);
    const results = await Promise.allSettled(
      started.map((s) => s.runtime.apply({ ...plan, maxNumSeqs: s.share, jobsCap: undefined })),
    );
    for (const s of this.#slots.filter((x) => x.share === 0)) await s.runtime.stop();
    this.#update();
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length === started.length && failed[0]?.status === 'rejected')
      throw failed[0].reason;
    if (failed.length > 0)
      this.#o.logger.warn(
        `${failed.length} of ${started.length} runtime containers did not start; the others serve.`,
      );
  }

  async stop(): Promise<void> {
    this.#pull?.abort();
    const slots = this.#slots;
    this.#slots = [];
    await Promise.all(slots.map((s) => s.runtime.stop()));
    this.#set('The runtime is stopped.', undefined, 'stopped');
  }

  async metrics(): Promise<RuntimeMetrics> {
    if (this.#slots.length === 0) return EMPTY_METRICS;
    return fleetMetrics(await Promise.all(this.#slots.map((s) => s.runtime.metrics())));
  }

  async infer(request: InferenceRequest): Promise<InferenceResult> {
    const ready = this.#slots.filter((s) => s.runtime.status().state === 'ready');
    // The least loaded for its share; among equals, the one that waited longest.
    const slot = ready.sort(
      (a, b) => a.inFlight / a.share - b.inFlight / b.share || a.lastUsed - b.lastUsed,
    )[0];
    if (!slot)
      throw new RuntimeError(`The runtime is not ready: ${this.#status.detail}`, 'unavailable');
    slot.lastUsed = ++this.#assigned;
    slot.inFlight++;
    try {
      return await slot.runtime.infer(request);
    } finally {
      slot.inFlight--;
    }
  }

  #slot(key: string, group: GpuGroup, first: GpuReading[]): Slot {
    const uuids = group.map((g) => g.uuid);
    // Memory is read again at each (re)start: another program may have taken some meanwhile.
    const memory = async (): Promise<GpuMemoryReading | null> => {
      const now = (await this.#o.readGpus()) ?? first;
      const mine = now.filter((g) => uuids.includes(g.uuid));
      if (mine.length !== uuids.length) return null;
      const smallest = [...mine].sort((a, b) => (a.memoryFreeMb ?? 0) - (b.memoryFreeMb ?? 0))[0];
      if (!smallest || smallest.memoryTotalMb === null || smallest.memoryFreeMb === null)
        return null;
      return { uuids, totalMb: smallest.memoryTotalMb, freeMb: smallest.memoryFreeMb };
    };
    const runtime = this.#o.makeSlot(memory);
    runtime.onStatus(() => this.#update());
    return { key, share: 0, runtime, inFlight: 0, lastUsed: 0 };
  }

  async #checked(plan: RuntimePlan) {
    const image = plan.image;
    if (!image)
      throw new RuntimeError('The Docker runtime needs a runtime image in the plan.', 'failed');
    try {
      this.#o.allowList.check(image.repository);
    } catch (err) {
      // A container already serving an earlier plan keeps serving.
      const detail = (err as Error).message;
      this.#o.logger.error(detail);
      if (this.#slots.length === 0) this.#set(detail, undefined, 'failed');
      throw new RuntimeError(detail, 'failed');
    }
    const gpus = (await this.#o.readGpus()) ?? [];
    if (gpus.length === 0) {
      // No GPU at all: the gate says why (driver, toolkit) in the operator's words.
      const gate = await this.#o.gate(image);
      if (!gate.ok) return this.#refuse(`${gate.detail} ${gate.fix}`, gate.raw);
    }
    const layout = planGpuLayout(gpus, {
      minVramMb: plan.model.minVramMb,
      headroomMb: plan.gpuMemoryHeadroomMb,
    });
    if (!layout.ok) return this.#refuse(`${layout.detail} ${layout.fix}`);
    return { image, gpus, layout };
  }

  #refuse(detail: string, cause?: string): never {
    this.#set(detail, cause, 'failed');
    throw new RuntimeError(detail, 'unavailable');
  }

  #update(): void {
    const live = this.#slots.filter((s) => s.share > 0);
    this.#publish(
      fleetStatus(
        live.map((s) => ({ share: s.share, status: s.runtime.status() })),
        '',
      ),
    );
  }

  #set(detail: string, cause?: string, state: RuntimeStatus['state'] = 'starting'): void {
    this.#publish({ ...fleetStatus([], detail), state, ...(cause ? { cause } : {}) });
  }

  #publish(next: RuntimeStatus): void {
    const prev = this.#status;
    if (JSON.stringify(prev) === JSON.stringify(next)) return;
    this.#status = next;
    this.#changed.fire(next);
  }
}

function groupKey(group: GpuGroup): string {
  return group.map((g) => g.uuid || `#${g.index}`).join('+');
}
