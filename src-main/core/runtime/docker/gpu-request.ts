import type Docker from 'dockerode';
import { ALL_GPUS } from './gpu-container-check.js';

/**
 * The GPUs one runtime container gets, pinned by UUID (never by index: indexes change with
 * CUDA_VISIBLE_DEVICES and reboots). No UUID known: every GPU, as `--gpus all`.
 */
export function gpuDeviceRequests(uuids: readonly string[]): Docker.DeviceRequest[] {
  const ids = uuids.filter(Boolean);
  if (ids.length === 0) return ALL_GPUS;
  return [{ Driver: 'nvidia', DeviceIDs: [...ids], Capabilities: [['gpu']] }];
}

/** vLLM's flag for one model split over several GPUs of one container (tensor parallelism). */
export function tensorParallelArgs(gpuCount: number): string[] {
  return gpuCount > 1 ? ['--tensor-parallel-size', String(gpuCount)] : [];
}
