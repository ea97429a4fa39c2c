import { create } from 'zustand';
import type { StatsDto } from '../../../src-main/contract/index.js';

export interface ThroughputPoint {
  ts: number;
  value: number;
}

/** Throughput points kept for the Overview chart: ten minutes at one a second, as main keeps. */
export const THROUGHPUT_POINTS = 600;
/** Pushes closer together than this move the last point instead of adding one. */
const POINT_MS = 1_000;

interface StatsState {
  stats: StatsDto | null;
  throughput: ThroughputPoint[];
  apply(stats: StatsDto, now?: number): void;
  /** The history main kept (a page load starts from it instead of an empty chart). */
  replaceThroughput(points: readonly ThroughputPoint[] | undefined): void;
}

export const useStatsStore = create<StatsState>()((set) => ({
  stats: null,
  throughput: [],
  apply: (stats, now = Date.now()) =>
    set((s) => {
      const point = { ts: now, value: stats.tokensPerSecond };
      const before = s.throughput.at(-2);
      const next =
        before && now - before.ts < POINT_MS
          ? [...s.throughput.slice(0, -1), point]
          : [...s.throughput, point];
      if (next.length > THROUGHPUT_POINTS) next.splice(0, next.length - THROUGHPUT_POINTS);
      return { stats, throughput: next };
    }),
  replaceThroughput: (points) =>
    set({ throughput: (points ?? []).slice(-THROUGHPUT_POINTS).map((p) => ({ ...p })) }),
}));
