import type { GpuSampleDto, GpuStateDto } from '../contract/index.js';
import type { GpuSample } from '../core/runtime/gpu/gpu-sampler.js';

/** What a node without a GPU source shows. */
export function noGpuReadings(): GpuStateDto {
  return {
    available: false,
    reason: 'This node does not read GPU information.',
    gpus: [],
    probe: 'unknown',
  };
}

export function toSampleDto(s: GpuSample): GpuSampleDto {
  return {
    ts: s.ts,
    index: s.index,
    utilizationPct: s.utilizationPct,
    memoryUsedMb: s.memoryUsedMb,
    memoryTotalMb: s.memoryTotalMb,
    temperatureC: s.temperatureC,
    powerW: s.powerW,
  };
}
