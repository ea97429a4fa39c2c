import { describe, expect, it } from 'vitest';
import { QueueWindow, refillWindow, windowFor } from '../../../src-main/core/agent/queue-window.js';

const m = (running: number, waiting: number) => ({ running, waiting });

describe('the queue window beyond the runtime slots', () => {
  it('is an eighth of the slots, at least 2', () => {
    expect([1, 16, 64, 256, 1024].map(windowFor)).toEqual([2, 2, 8, 32, 128]);
  });

  it('advertises the slots plus the window while the runtime runs every slot', () => {
    const w = new QueueWindow();
    expect(w.concurrency(64)).toBe(72);
    w.observe(m(64, 8), 64);
    w.observe(m(10, 0), 64); // light load says nothing about the runtime's limit
    expect(w.concurrency(64)).toBe(72);
    expect(w.concurrency(1020)).toBe(1024); // the protocol's cap
  });

  it('shrinks to what the runtime really runs when more than a window waits, and grows back', () => {
    const w = new QueueWindow();
    w.observe(m(40, 30), 64); // KV cache full: 40 run, 30 wait
    expect(w.concurrency(64)).toBe(40 + windowFor(40));
    w.observe(m(null as unknown as number, 3), 64); // unknown metrics change nothing
    expect(w.concurrency(64)).toBe(45);
    w.observe(m(44, 0), 64); // runs more with nothing waiting: room again
    expect(w.concurrency(64)).toBe(44 + windowFor(44));
    w.observe(m(64, 2), 64); // every slot runs: back to the configured slots
    expect(w.concurrency(64)).toBe(72);
  });
});

describe('the queue window sized from the refill', () => {
  const refill = (perSecond: number, refillMs: number) => ({
    perSecond,
    refillMs,
    samples: 500,
    p50Ms: refillMs,
    p99Ms: refillMs,
  });

  it('covers the results of twice a 95th-percentile refill, within a quarter of the time to spare', () => {
    // 200 results/s, 100 ms to refill: 200 × 0.1 × 2 = 40 jobs queued.
    expect(refillWindow(64, refill(200, 100), 120_000)).toBe(40);
    // A 2 s time limit leaves 2 − 64/200 = 1.68 s to spare; a quarter of it is 0.42 s = 84 jobs.
    expect(refillWindow(64, refill(200, 400), 2_000)).toBe(84);
    expect(refillWindow(64, refill(200, 400), null)).toBe(160);
    // Jobs that take their whole limit leave nothing to queue for.
    expect(refillWindow(64, refill(20, 400), 3_000)).toBe(0);
  });

  it('grows past the eighth for a slow refill, and never below it for a fast one', () => {
    const w = new QueueWindow();
    w.observe(m(64, 8), 64, { refill: refill(200, 5), limitMs: 120_000 });
    expect(w.concurrency(64)).toBe(72); // 200 × 0.005 × 2 = 2, under the eighth
    w.observe(m(64, 8), 64, { refill: refill(200, 100), limitMs: 120_000 });
    expect(w.concurrency(64)).toBe(64 + 40);
  });

  it('moves only for a clear change: up by half again, down below a quarter', () => {
    const w = new QueueWindow();
    const at = (refillMs: number) =>
      w.observe(m(64, 8), 64, { refill: refill(200, refillMs), limitMs: 120_000 });
    at(100); // 40
    at(140); // 56 < 40 × 1.5: kept
    expect(w.concurrency(64)).toBe(104);
    at(150); // 60 = 40 × 1.5: grows
    expect(w.concurrency(64)).toBe(124);
    at(40); // 16, not under a quarter of 60: kept
    expect(w.concurrency(64)).toBe(124);
    at(30); // 12 < 15: shrinks
    expect(w.concurrency(64)).toBe(76);
    w.observe(m(64, 8), 64, { refill: null, limitMs: 120_000 }); // nothing measured: kept
    expect(w.concurrency(64)).toBe(76);
  });

  it('stays within what the network lets the node hold, but never under the eighth', () => {
    const w = new QueueWindow();
    w.observe(m(64, 8), 64, { refill: refill(200, 100), limitMs: 120_000 }); // 40
    expect(w.concurrency(64, 90)).toBe(90);
    expect(w.concurrency(64, 66)).toBe(72); // max_queue_size under slots + eighth: the eighth
    expect(w.concurrency(64, null)).toBe(104);
  });
});

describe('the queue window sized from the jobs in transit', () => {
  const refill = { perSecond: 200, refillMs: 5, samples: 500, p50Ms: 2, p99Ms: 9 };

  it('covers half as much again as the jobs seen in transit, within the deadline share', () => {
    expect(refillWindow(64, refill, 120_000, 20)).toBe(30); // a fast refill alone asks for 2
    expect(refillWindow(64, refill, 120_000, null)).toBe(2);
    // 1 s limit: (1 − 0.32) × 0.25 × 200 = 34 at most.
    expect(refillWindow(64, refill, 1_000, 40)).toBe(34);
  });

  it('widens the announcement when jobs pile up between the runtime and the network', () => {
    const w = new QueueWindow();
    w.observe(m(64, 8), 64, { refill, transit: 6, limitMs: 120_000 });
    expect(w.concurrency(64)).toBe(72); // 9 < 8 × 1.5: kept
    w.observe(m(60, 0), 64, { refill, transit: 16, limitMs: 120_000 });
    expect(w.concurrency(64)).toBe(64 + 24);
  });
});
