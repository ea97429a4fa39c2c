import { create } from 'zustand';
import type { StatsDto } from '../../../src-main/contract/index.js';

export interface ThroughputPoint {
  ts: number;
  value: number;
}

/** Throughput points kept for the Overview sparkline (pushed stats, not polled). */
export const THROUGHPUT_POINTS = 180;

interface StatsState {
  stats: StatsDto | null;
  throughput: ThroughputPoint[];
  apply(stats: StatsDto, now?: number): void;
}

export const useStatsStore = create<StatsState>()((set) => ({
  stats: null,
  throughput: [],
  apply: (stats, now = Date.now()) =>
    set((s) => {
      const next = [...s.throughput, { ts: now, value: stats.tokensPerSecond }];
      if (next.length > THROUGHPUT_POINTS) next.splice(0, next.length - THROUGHPUT_POINTS);
      return { stats, throughput: next };
    }),
}));
