import { create } from 'zustand';
import type { TimelineSegmentDto, TotalsDto } from '../../../src-main/contract/index.js';

/** Totals and the 24 h timeline kept by main across restarts (pushed, not polled). */
interface HistoryState {
  totals: TotalsDto | null;
  timeline: TimelineSegmentDto[];
  applyTotals(totals: TotalsDto | undefined): void;
  applyTimeline(timeline: TimelineSegmentDto[] | undefined): void;
}

export const useHistoryStore = create<HistoryState>()((set) => ({
  totals: null,
  timeline: [],
  applyTotals: (totals) => set({ totals: totals ?? null }),
  applyTimeline: (timeline) => set({ timeline: timeline ?? [] }),
}));
