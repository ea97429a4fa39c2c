import { planGpuMemory } from './gpu-memory.js';
import type { GpuReading } from './nvidia-smi-query.js';

/** One runtime container's GPUs: one GPU, or several of the same kind for tensor parallelism. */
export type GpuGroup = readonly GpuReading[];

export type GpuLayout =
  | { ok: true; mode: 'per-gpu' | 'tensor-parallel'; groups: GpuGroup[] }
  | { ok: false; detail: string; fix: string };

export interface LayoutNeeds {
  /** The model's min_vram_mb from the snapshot (0 or absent: no stated need). */
  minVramMb?: number;
  /** VRAM kept free on each GPU (the larger of the operator's and the network's headroom). */
  headroomMb: number;
}

/** vLLM splits attention heads evenly: tensor-parallel sizes are powers of two. */
const TP_SIZES = [2, 4, 8, 16];

/** VRAM a runtime could take on this GPU after the headroom (0 when it reports none). */
export function usableMb(gpu: GpuReading, headroomMb: number): number {
  if (gpu.memoryTotalMb === null || gpu.memoryFreeMb === null) return 0;
  const mem = planGpuMemory({ totalMb: gpu.memoryTotalMb, freeMb: gpu.memoryFreeMb, headroomMb });
  return mem.enough ? mem.usableMb : 0;
}

/**
 * How the model is served on these GPUs. Every GPU that holds the model alone gets its own
 * container (`per-gpu`); when none does, the smallest power-of-two set of GPUs of one kind
 * (same name, so the same memory and speed) that holds it together runs one tensor-parallel
 * container. The model's `min_vram_mb` is checked here, before anything starts.
 */
export function planGpuLayout(gpus: readonly GpuReading[], needs: LayoutNeeds): GpuLayout {
  const need = needs.minVramMb ?? 0;
  const usable = (g: GpuReading) => usableMb(g, needs.headroomMb);
  const alone = gpus.filter((g) => usable(g) > 0 && usable(g) >= need);
  if (alone.length > 0) return { ok: true, mode: 'per-gpu', groups: alone.map((g) => [g]) };

  const kinds = new Map<string, GpuReading[]>();
  for (const g of gpus) if (usable(g) > 0) kinds.set(g.name, [...(kinds.get(g.name) ?? []), g]);
  let best: GpuReading[] | null = null;
  for (const same of kinds.values()) {
    const sorted = [...same].sort((a, b) => usable(b) - usable(a));
    // Each GPU of a tensor-parallel group holds an equal share: the smallest one bounds it.
    const size = TP_SIZES.find(
      (n) => n <= sorted.length && usable(sorted[n - 1] as GpuReading) * n >= need,
    );
    if (size && (!best || size < best.length)) best = sorted.slice(0, size);
  }
  if (best) return { ok: true, mode: 'tensor-parallel', groups: [best] };

  const largest = Math.max(0, ...gpus.map(usable));
  return {
    ok: false,
    detail:
      gpus.length === 0
        ? 'No NVIDIA GPU is available to the runtime.'
        : `The model needs ${need} MiB of GPU memory; the most any GPU here can give is ${largest} MiB ` +
          `(after the ${needs.headroomMb} MiB kept free), and no set of GPUs of the same kind holds it together.`,
    fix:
      'Close programs that use GPU memory or lower "VRAM kept free" in Settings; otherwise this ' +
      'computer cannot serve the approved model.',
  };
}

/**
 * Splits the jobs the node takes at once over its containers: each runs at most `perRuntime`
 * (the network's max_num_seqs), and together at most the operator's cap. The shares differ by
 * at most one; a container whose share would be 0 is not started.
 */
export function shareConcurrency(
  containers: number,
  perRuntime: number,
  cap: number | null,
): number[] {
  const total = Math.min(containers * perRuntime, cap ?? Infinity);
  const base = Math.floor(total / containers);
  const extra = total - base * containers;
  return Array.from({ length: containers }, (_, i) => base + (i < extra ? 1 : 0));
}
