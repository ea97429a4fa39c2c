import type { ConfigSnapshot } from '../protocol/index.js';
import type { RuntimePlan } from '../runtime/runtime.js';

export interface PlanContext {
  /** NVIDIA driver major of this machine; null when unknown (no GPU, simulated runtime). */
  driverMajor: number | null;
}

/** The configuration cannot be turned into something this machine can run. */
export class PlanError extends Error {
  override readonly name = 'PlanError';
}

/**
 * What the runtime should serve under `snapshot`: the default model (or the first approved
 * one), the first image this machine's driver supports, and the runtime limits.
 */
export function runtimePlanFor(snapshot: ConfigSnapshot, ctx: PlanContext): RuntimePlan {
  const model = snapshot.models.find((m) => m.default) ?? snapshot.models[0];
  if (!model) throw new PlanError('The network configuration approves no model: nothing to serve.');
  const images = snapshot.runtime.images;
  const image =
    ctx.driverMajor === null
      ? images[0]
      : images.find((i) => i.min_driver === undefined || i.min_driver <= (ctx.driverMajor ?? 0));
  if (!image) {
    const lowest = Math.min(...images.map((i) => i.min_driver ?? 0));
    throw new PlanError(
      `No approved runtime image supports NVIDIA driver ${ctx.driverMajor}: update the driver to ${lowest} or newer.`,
    );
  }
  return {
    model: {
      name: model.name,
      servedName: model.served_name,
      revision: model.revision,
      maxModelLen: model.max_model_len,
    },
    image: { repository: image.repository, tag: image.tag, digest: image.digest },
    maxNumSeqs: snapshot.runtime.max_num_seqs,
    gpuMemoryHeadroomMb: snapshot.runtime.gpu_memory_headroom_mb,
  };
}

export function samePlan(a: RuntimePlan | null, b: RuntimePlan | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
