import type { ConfigSnapshot } from '../protocol/index.js';
import { chooseImage } from '../runtime/gpu/driver-compat.js';
import type { RuntimePlan } from '../runtime/runtime.js';
import { runtimeImageRequest } from './runtime-image-request.js';

/** What the operator set on this machine ("Most jobs at once", "VRAM kept free"). */
export interface OperatorLimits {
  /** Jobs at once on this node; null leaves the network's max_num_seqs. */
  maxConcurrentJobs: number | null;
  /** VRAM kept free for other apps, in MiB. */
  gpuMemoryHeadroomMb: number;
}

export interface PlanContext {
  /** NVIDIA driver major of this machine; null when unknown (no GPU, simulated runtime). */
  driverMajor: number | null;
  /** The operator's limits; they only ever lower what the network's snapshot allows. */
  operator?: OperatorLimits;
}

/** The configuration cannot be turned into something this machine can run. */
export class PlanError extends Error {
  override readonly name = 'PlanError';
}

/**
 * What the runtime should serve under `snapshot`: the default model (or the first approved
 * one), the image `updates.runtime.image_digest` names when this machine can run it, else the
 * approved image this machine's driver runs (see `chooseImage`), and the limits.
 */
export function runtimePlanFor(snapshot: ConfigSnapshot, ctx: PlanContext): RuntimePlan {
  const model = snapshot.models.find((m) => m.default) ?? snapshot.models[0];
  if (!model) throw new PlanError('The network configuration approves no model: nothing to serve.');
  const requested = runtimeImageRequest(snapshot, ctx.driverMajor)?.image ?? null;
  const choice = requested
    ? { ok: true as const, image: requested }
    : chooseImage(snapshot.runtime.images, ctx.driverMajor);
  if (!choice.ok) throw new PlanError(`${choice.detail} ${choice.fix}`);
  const { image } = choice;
  return {
    model: {
      name: model.name,
      servedName: model.served_name,
      revision: model.revision,
      maxModelLen: model.max_model_len,
      minVramMb: model.min_vram_mb,
    },
    image: { repository: image.repository, tag: image.tag, digest: image.digest },
    ...planLimits(snapshot, ctx.operator),
  };
}

/**
 * vLLM's --max-num-seqs and the VRAM left free: the operator's cap lowers the network's
 * max_num_seqs (never raises it), and the larger of the two headrooms is kept free.
 */
export function planLimits(
  snapshot: ConfigSnapshot,
  operator: OperatorLimits | undefined,
): Pick<RuntimePlan, 'maxNumSeqs' | 'gpuMemoryHeadroomMb' | 'jobsCap'> {
  const network = snapshot.runtime;
  const cap = operator?.maxConcurrentJobs ?? null;
  return {
    maxNumSeqs: cap === null ? network.max_num_seqs : Math.min(network.max_num_seqs, cap),
    gpuMemoryHeadroomMb: Math.max(
      network.gpu_memory_headroom_mb,
      operator?.gpuMemoryHeadroomMb ?? 0,
    ),
    ...(cap === null ? {} : { jobsCap: cap }),
  };
}

export function samePlan(a: RuntimePlan | null, b: RuntimePlan | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
