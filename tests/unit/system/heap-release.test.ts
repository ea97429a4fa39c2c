import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HeapRelease, lastResortGc } from '../../../src-main/core/system/heap-release.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const MB = 1024 * 1024;

/** A HeapRelease over a settable resident set and event-loop share; counts its collections. */
function setup(start = { rssMb: 90, busy: 0 }) {
  const clock = new ManualClock();
  const state = { ...start, collections: 0 };
  const heap = new HeapRelease({
    clock,
    collect: () => {
      state.collections++;
      state.rssMb = 90; // what a collection returns to
    },
    rssBytes: () => state.rssMb * MB,
    busyShare: () => state.busy,
    checkEveryMs: 30_000,
    growthBytes: 16 * MB,
  });
  return { clock, state, heap };
}

describe('HeapRelease', () => {
  it('at the end of start-up, collects only if the resident set grew by growthBytes', () => {
    const fresh = setup();
    fresh.state.rssMb = 100;
    fresh.heap.startedUp();
    expect(fresh.state.collections).toBe(0);

    const long = setup();
    long.state.rssMb = 155; // a long journal replayed
    long.heap.startedUp();
    expect(long.state.collections).toBe(1);
    long.heap.dispose();
    fresh.heap.dispose();
  });

  it('collects once an idle node has grown, never while it is busy, and not again without new growth', () => {
    const { clock, state, heap } = setup();
    state.rssMb = 140;
    state.busy = 0.4; // serving jobs
    clock.advance(90_000);
    expect(state.collections).toBe(0);
    state.busy = 0.01; // the burst is over
    clock.advance(30_000);
    expect(state.collections).toBe(1);
    clock.advance(300_000);
    expect(state.collections).toBe(1);
    state.rssMb = 100; // less than growthBytes above what the last collection left
    clock.advance(60_000);
    expect(state.collections).toBe(1);
    heap.dispose();
  });

  it('counts growth from the end of start-up, not from before it, in a node that did not release', () => {
    const { clock, state, heap } = setup();
    state.rssMb = 105; // modules, key, session: grown 15 MiB, under growthBytes
    heap.startedUp();
    expect(state.collections).toBe(0);
    state.rssMb = 115; // 25 MiB above where the kit began, 10 above where start-up ended
    clock.advance(120_000);
    expect(state.collections).toBe(0);
    state.rssMb = 122;
    clock.advance(30_000);
    expect(state.collections).toBe(1);
    heap.dispose();
  });

  it('stops checking once disposed', () => {
    const { clock, state, heap } = setup();
    heap.dispose();
    state.rssMb = 200;
    clock.advance(120_000);
    expect(state.collections).toBe(0);
  });

  it('does nothing without a collector (an engine that offers none)', () => {
    const clock = new ManualClock();
    const heap = new HeapRelease({
      clock,
      collect: null,
      rssBytes: () => 500 * MB,
      busyShare: () => 0,
    });
    expect(() => heap.startedUp()).not.toThrow();
    expect(heap.releases).toBe(0);
    heap.dispose();
  });
});

describe('lastResortGc', () => {
  it('runs a full collection without leaving a gc global in this or any later context', async () => {
    const hadGc = 'gc' in globalThis;
    const gc = lastResortGc();
    expect(gc).toBeTypeOf('function');
    // A weakly held object is gone after it: the collection really ran.
    const ref = new WeakRef({ big: new Array(1000).fill(1) });
    await new Promise((r) => setTimeout(r, 0)); // a WeakRef keeps its target to the end of the turn
    gc!();
    expect(ref.deref()).toBeUndefined();
    if (!hadGc) expect('gc' in globalThis).toBe(false);
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
  });
});
