import { describe, expect, it } from 'vitest';
import { StallWatch } from '../../../src-main/core/runtime/stall-watch.js';
import { ManualClock } from '../../helpers/manual-clock.js';

function watch(timeoutMs = 1_000) {
  const clock = new ManualClock();
  let stalls = 0;
  const w = new StallWatch(clock, timeoutMs, () => stalls++);
  return { clock, w, stalls: () => stalls };
}

describe('StallWatch', () => {
  it('sets no timer until it is started', () => {
    const { clock, w, stalls } = watch();
    w.touch();
    clock.advance(60_000);
    expect(clock.pending).toBe(0);
    expect(w.running).toBe(false);
    expect(stalls()).toBe(0);
  });

  it('fails once the silence reaches the timeout, counted from the last data', () => {
    const { clock, w, stalls } = watch();
    w.start();
    clock.advance(500);
    w.touch();
    clock.advance(999); // 999 ms of silence: the timer fired at 1 000 and waits out the rest
    expect(stalls()).toBe(0);
    clock.advance(1);
    expect(stalls()).toBe(1);
    expect(w.running).toBe(false);
    clock.advance(10_000);
    expect(stalls()).toBe(1);
  });

  it('keeps one timer however much data comes', () => {
    const { clock, w, stalls } = watch();
    w.start();
    for (let i = 0; i < 100; i++) {
      clock.advance(100);
      w.touch();
      expect(clock.pending).toBe(1);
    }
    expect(stalls()).toBe(0);
  });

  it('stops for good: no timer left and no failure after stop', () => {
    const { clock, w, stalls } = watch();
    w.start();
    w.stop();
    expect(clock.pending).toBe(0);
    w.start();
    clock.advance(5_000);
    expect(stalls()).toBe(0);
  });
});
