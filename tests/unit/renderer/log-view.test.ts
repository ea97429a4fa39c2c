import { describe, expect, it } from 'vitest';
import {
  FilteredLogIndex,
  RingLogView,
  lineMatcher,
} from '../../../src-renderer/src/lib/log-filter.js';
import { LogRing } from '../../../src-renderer/src/lib/log-ring.js';
import { isAtBottom, visibleWindow } from '../../../src-renderer/src/lib/virtual-window.js';
import { line } from './fake-bridge.js';

const seqs = (lines: { seq: number }[]) => lines.map((l) => l.seq);

describe('LogRing', () => {
  it('keeps the newest lines at stable absolute indices once full', () => {
    const ring = new LogRing(3);
    ring.append([line(0), line(1)]);
    ring.append([line(2), line(3), line(4)]);
    expect(ring.size).toBe(3);
    expect(ring.startAbs).toBe(2);
    expect(ring.endAbs).toBe(5);
    expect(ring.at(1)).toBeUndefined();
    expect(ring.at(4)?.seq).toBe(4);
    expect(seqs(ring.toArray())).toEqual([2, 3, 4]);
  });

  it('skips straight to the tail of a batch larger than the ring', () => {
    const ring = new LogRing(100_000);
    const batch = Array.from({ length: 250_000 }, (_, i) => line(i));
    ring.append(batch);
    expect(ring.size).toBe(100_000);
    expect(ring.endAbs).toBe(250_000);
    expect(ring.at(ring.startAbs)?.seq).toBe(150_000);
    expect(ring.last?.seq).toBe(249_999);
  });

  it('clones into an independent frozen copy', () => {
    const ring = new LogRing(4);
    ring.append([line(0), line(1), line(2)]);
    const frozen = ring.clone();
    ring.append([line(3), line(4), line(5)]);
    expect(seqs(frozen.toArray())).toEqual([0, 1, 2]);
    expect(seqs(ring.toArray())).toEqual([2, 3, 4, 5]);
  });
});

describe('log views', () => {
  it('maps rows straight onto the ring without a filter', () => {
    const ring = new LogRing(3);
    ring.append([line(0), line(1), line(2), line(3)]);
    const view = new RingLogView(ring);
    expect(view.count).toBe(3);
    expect(view.lineAt(0)?.seq).toBe(1);
  });

  it('filters by minimum level and case-insensitive text in message or source', () => {
    const m = lineMatcher({ minLevel: 'warn', text: 'MESSAGE 1' });
    expect(m(line(1, 'warn'))).toBe(true);
    expect(m(line(1, 'info'))).toBe(false);
    expect(m(line(2, 'error'))).toBe(false);
    expect(lineMatcher({ minLevel: 'debug', text: 'agent' })(line(5, 'debug'))).toBe(true);
  });

  it('extends the filtered index incrementally and forgets lines that fell off', () => {
    const ring = new LogRing(10);
    ring.append(Array.from({ length: 8 }, (_, i) => line(i, i % 2 ? 'error' : 'info')));
    const index = new FilteredLogIndex(ring, { minLevel: 'error', text: '' }).refresh();
    expect(seqs(index.toArray())).toEqual([1, 3, 5, 7]);
    ring.append(Array.from({ length: 6 }, (_, i) => line(8 + i, i % 2 ? 'error' : 'info')));
    index.refresh();
    // Ring now holds seq 4..13; errors among them: 5, 7, 9, 11, 13.
    expect(seqs(index.toArray())).toEqual([5, 7, 9, 11, 13]);
    expect(index.count).toBe(5);
    expect(index.lineAt(0)?.seq).toBe(5);
  });

  it('stays correct across compaction with 100,000 lines flowing through', () => {
    const ring = new LogRing(20_000);
    const index = new FilteredLogIndex(ring, { minLevel: 'warn', text: '' });
    let seq = 0;
    for (let batch = 0; batch < 20; batch++) {
      ring.append(Array.from({ length: 5000 }, () => line(seq, seq++ % 4 === 0 ? 'warn' : 'info')));
      index.refresh();
    }
    expect(index.count).toBe(5000);
    expect(index.lineAt(0)?.seq).toBe(80_000);
    expect(index.lineAt(4999)?.seq).toBe(99_996);
  });
});

describe('virtual window', () => {
  it('renders only the rows in view plus overscan', () => {
    const w = visibleWindow(22_000, 440, 22, 100_000, 5);
    expect(w.start).toBe(995);
    expect(w.end).toBe(1000 + 21 + 5);
    expect(w.offsetTop).toBe(995 * 22);
    expect(w.totalHeight).toBe(2_200_000);
  });

  it('clamps at both ends and handles empty lists', () => {
    expect(visibleWindow(-50, 400, 20, 10, 3)).toMatchObject({ start: 0, end: 10 });
    const end = visibleWindow(1e9, 400, 20, 1000, 3);
    expect(end.end).toBe(1000);
    expect(end.start).toBe(1000 - 20 - 3);
    expect(visibleWindow(0, 400, 20, 0)).toMatchObject({ start: 0, end: 0, totalHeight: 0 });
  });

  it('knows when the viewport sits at the bottom', () => {
    expect(isAtBottom(1580, 400, 2000, 22)).toBe(true);
    expect(isAtBottom(1500, 400, 2000, 22)).toBe(false);
  });
});
