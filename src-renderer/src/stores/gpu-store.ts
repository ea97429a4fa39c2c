import { create } from 'zustand';
import type { GpuSampleDto, GpuStateDto } from '../../../src-main/contract/index.js';

/** Charts show the last few minutes; older samples are dropped. */
export const GPU_WINDOW_MS = 5 * 60_000;
/** Hard cap per GPU whatever the sample rate. */
export const GPU_MAX_SAMPLES = 600;

interface GpuStoreState {
  gpu: GpuStateDto | null;
  /** Samples per GPU index, oldest first. */
  history: Record<number, GpuSampleDto[]>;
  apply(gpu: GpuStateDto): void;
  addSamples(samples: readonly GpuSampleDto[]): void;
  replaceHistory(samples: readonly GpuSampleDto[]): void;
}

function merge(
  history: Record<number, GpuSampleDto[]>,
  samples: readonly GpuSampleDto[],
): Record<number, GpuSampleDto[]> {
  if (samples.length === 0) return history;
  const next: Record<number, GpuSampleDto[]> = { ...history };
  const touched = new Set<number>();
  for (const sample of samples) {
    if (!touched.has(sample.index)) {
      next[sample.index] = [...(next[sample.index] ?? [])];
      touched.add(sample.index);
    }
    const list = next[sample.index]!;
    const last = list[list.length - 1];
    if (last && sample.ts <= last.ts) continue; // duplicate after a reconnect
    list.push(sample);
  }
  for (const index of touched) {
    const list = next[index]!;
    const newest = list[list.length - 1]?.ts ?? 0;
    let drop = 0;
    while (drop < list.length && list[drop]!.ts < newest - GPU_WINDOW_MS) drop++;
    drop = Math.max(drop, list.length - GPU_MAX_SAMPLES);
    if (drop > 0) list.splice(0, drop);
  }
  return next;
}

export const useGpuStore = create<GpuStoreState>()((set) => ({
  gpu: null,
  history: {},
  apply: (gpu) => set({ gpu }),
  addSamples: (samples) => set((s) => ({ history: merge(s.history, samples) })),
  replaceHistory: (samples) =>
    set({
      history: merge(
        {},
        [...samples].sort((a, b) => a.ts - b.ts),
      ),
    }),
}));
