import { create } from 'zustand';
import type { LogLineDto } from '../../../src-main/contract/index.js';
import {
  animationFrameScheduler,
  FrameBatcher,
  type FrameScheduler,
} from '../lib/frame-batcher.js';
import { LogRing } from '../lib/log-ring.js';

/** Lines kept in memory; the oldest fall off. */
export const LOG_CAPACITY = 100_000;

interface LogsState {
  ring: LogRing;
  /** Bumped on every change so components re-render; the ring itself is mutated in place. */
  version: number;
  /** Newest seq applied: lines at or below it are duplicates (e.g. after a reconnect). */
  lastSeq: number;
  /** Queue pushed lines; they reach the ring at most once per animation frame. */
  enqueue(lines: readonly LogLineDto[]): void;
  /** Snapshot: the node's recent lines, plus any newer lines already received. */
  replace(lines: readonly LogLineDto[]): void;
}

let scheduler: FrameScheduler = animationFrameScheduler;
let batcher: FrameBatcher<LogLineDto>;

function appendFresh(lines: readonly LogLineDto[]): void {
  useLogsStore.setState((s) => {
    let lastSeq = s.lastSeq;
    const fresh: LogLineDto[] = [];
    for (const line of lines) {
      if (line.seq <= lastSeq) continue;
      fresh.push(line);
      lastSeq = line.seq;
    }
    if (fresh.length === 0) return s;
    s.ring.append(fresh);
    return { version: s.version + 1, lastSeq };
  });
}

/**
 * Lines held before a (re)connect plus the snapshot's lines, without duplicates. When the node
 * restarted (its seq counts from zero again, so the same seq means a different line), the
 * snapshot alone is the truth.
 */
export function mergeSnapshot(
  held: readonly LogLineDto[],
  snapshot: readonly LogLineDto[],
): LogLineDto[] {
  const sorted = [...snapshot].sort((a, b) => a.seq - b.seq);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return [...held];
  const heldLast = held[held.length - 1];
  if (!heldLast) return sorted;
  if (heldLast.seq < first.seq) return [...held, ...sorted];
  const twin = held.find((l) => l.seq === first.seq);
  const sameRun = twin !== undefined && twin.ts === first.ts && twin.message === first.message;
  if (!sameRun && held[0]!.seq <= first.seq) return sorted;
  return [
    ...held.filter((l) => l.seq < first.seq),
    ...sorted,
    ...held.filter((l) => l.seq > last.seq && l.ts >= last.ts),
  ];
}

function makeBatcher(): FrameBatcher<LogLineDto> {
  return new FrameBatcher<LogLineDto>(appendFresh, (cb) => scheduler(cb), LOG_CAPACITY);
}

export const useLogsStore = create<LogsState>()((set, get) => ({
  ring: new LogRing(LOG_CAPACITY),
  version: 0,
  lastSeq: -1,
  enqueue: (lines) => batcher.push(lines),
  replace: (lines) => {
    batcher.flushNow();
    const merged = mergeSnapshot(get().ring.toArray(), lines);
    const ring = new LogRing(get().ring.capacity);
    ring.append(merged);
    set((s) => ({ ring, version: s.version + 1, lastSeq: ring.last?.seq ?? -1 }));
  },
}));
batcher = makeBatcher();

/** Tests drive frames by hand and may use a small capacity. */
export function resetLogsStore(
  options: { capacity?: number; schedule?: FrameScheduler } = {},
): void {
  scheduler = options.schedule ?? animationFrameScheduler;
  batcher = makeBatcher();
  useLogsStore.setState({
    ring: new LogRing(options.capacity ?? LOG_CAPACITY),
    version: 0,
    lastSeq: -1,
  });
}
