export const MIN_GPU_MEMORY_UTILIZATION = 0.1;
export const MAX_GPU_MEMORY_UTILIZATION = 0.95;

export interface GpuMemoryInput {
  totalMb: number;
  freeMb: number;
  /** VRAM to leave for the desktop and other apps. */
  headroomMb: number;
  /** The model's need (from the config), when known. */
  minVramMb?: number;
}

export interface GpuMemoryPlan {
  /** Value for vLLM's --gpu-memory-utilization. */
  utilization: number;
  /** VRAM vLLM may take under this plan, in MiB. */
  usableMb: number;
  /** False when the free VRAM minus headroom is below the model's need (or below the floor). */
  enough: boolean;
  /** Plain words for the operator when not enough. */
  detail: string;
}

/**
 * vLLM's --gpu-memory-utilization is a share of TOTAL VRAM, and vLLM refuses to start when that
 * share is more than what is free. So size it from FREE VRAM: (free − headroom) / total, clamped
 * to [0.1, 0.95] and rounded down to two decimals so rounding never asks for more than is free.
 */
export function planGpuMemory(input: GpuMemoryInput): GpuMemoryPlan {
  const { totalMb, freeMb, headroomMb } = input;
  if (!(totalMb > 0)) {
    return {
      utilization: MIN_GPU_MEMORY_UTILIZATION,
      usableMb: 0,
      enough: false,
      detail: 'The GPU reports no memory.',
    };
  }
  const raw = (freeMb - headroomMb) / totalMb;
  const clamped = Math.min(MAX_GPU_MEMORY_UTILIZATION, Math.max(MIN_GPU_MEMORY_UTILIZATION, raw));
  const utilization = Math.floor(clamped * 100 + 1e-9) / 100;
  const usableMb = Math.floor(utilization * totalMb);
  const need = input.minVramMb ?? 0;
  const available = freeMb - headroomMb;
  const enough = raw >= MIN_GPU_MEMORY_UTILIZATION && available >= need;
  const detail = enough
    ? `vLLM may use ${usableMb} MiB of ${totalMb} MiB (utilization ${utilization}).`
    : `Not enough free GPU memory: ${Math.max(0, Math.round(freeMb))} MiB free, ` +
      `${headroomMb} MiB kept for other apps, the model needs ${need} MiB. ` +
      'Close games or other GPU-heavy apps, or lower the VRAM headroom in Settings.';
  return { utilization, usableMb, enough, detail };
}
