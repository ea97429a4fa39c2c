import type { SetupCheckDto } from '../contract/index.js';
import type { ConfigSnapshot } from '../core/protocol/schemas/snapshot.js';
import type { DiscoveryHost } from '../core/runtime/docker/discovery-host.js';
import type { GpuProbe } from '../core/runtime/gpu/gpu-probe.js';
import { runSetupChecks } from '../core/setup/doctor.js';

/** Until a configuration names the model, size the checks for a typical 7B model. */
const DEFAULT_MODEL_BYTES = 16 * 1024 ** 3;

export interface SetupSourceOptions {
  host: DiscoveryHost;
  probeGpu: () => Promise<GpuProbe>;
  /** The applied configuration, when there is one (images and model to check against). */
  snapshot: () => ConfigSnapshot | null;
  dataDir: () => string;
  headroomMb: () => number;
}

/** The setup doctor (core/setup) fed with what the node knows now, as contract DTOs. */
export function setupChecks(o: SetupSourceOptions): () => Promise<SetupCheckDto[]> {
  return async () => {
    const snap = o.snapshot();
    const model = snap?.models.find((m) => m.default) ?? snap?.models[0] ?? null;
    const checks = await runSetupChecks({
      host: o.host,
      probeGpu: o.probeGpu,
      runtimeImages: snap?.runtime.images ?? [],
      dataDir: o.dataDir(),
      modelBytes: model ? model.files.reduce((sum, f) => sum + f.size, 0) : DEFAULT_MODEL_BYTES,
      modelMinVramMb: model?.min_vram_mb ?? null,
      headroomMb: o.headroomMb(),
    });
    return checks.map((c) => ({
      id: c.id,
      label: c.label,
      state: c.state,
      detail: c.detail,
      ...(c.fix ? { fix: c.fix } : {}),
    }));
  };
}
