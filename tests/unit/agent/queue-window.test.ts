import { describe, expect, it } from 'vitest';
import { QueueWindow, windowFor } from '../../../src-main/core/agent/queue-window.js';

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
