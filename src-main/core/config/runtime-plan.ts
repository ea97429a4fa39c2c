import type { ConfigSnapshot } from '../protocol/index.js';
import { chooseImage } from '../runtime/gpu/driver-compat.js';
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
 * one), the approved image this machine's driver runs (see `chooseImage`), and the limits.
 */
export function runtimePlanFor(snapshot: ConfigSnapshot, ctx: PlanContext): RuntimePlan {
  const model = snapshot.models.find((m) => m.default) ?? snapshot.models[0];
  if (!model) throw new PlanError('The network configuration approves no model: nothing to serve.');
  const choice = chooseImage(snapshot.runtime.images, ctx.driverMajor);
  if (!choice.ok) throw new PlanError(`${choice.detail} ${choice.fix}`);
  const { image } = choice;
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
