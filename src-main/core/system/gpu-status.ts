import type { GpuStatus } from '../protocol/index.js';
import type { GpuReading } from '../runtime/gpu/nvidia-smi-query.js';

/** Live GPU readings for heartbeats; injectable so machines without NVIDIA report []. */
export interface GpuStatusSampler {
  sample(): GpuStatus[];
}

/** For machines without an NVIDIA GPU (and tests). */
export const nullGpuSampler: GpuStatusSampler = { sample: () => [] };

/** nvidia-smi reading → heartbeat GpuStatus (nulls stay null: [N/A] is not zero). */
export function toGpuStatus(r: GpuReading): GpuStatus {
  return {
    index: r.index,
    utilization_pct: r.utilizationPct,
    memory_used_mb: r.memoryUsedMb,
    memory_total_mb: r.memoryTotalMb,
    temperature_c: r.temperatureC,
    power_w: r.powerW,
  };
}

/** Adapts the nvidia-smi sampler (runtime/gpu/gpu-sampler.ts) to heartbeats. */
export function samplerFromReadings(source: { latest(): GpuReading[] }): GpuStatusSampler {
  return { sample: () => source.latest().map(toGpuStatus) };
}
