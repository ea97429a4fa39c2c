import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../src-main/core/network/backoff.js';
import { ManualClock } from '../../helpers/manual-clock.js';

describe('Backoff', () => {
  it('keeps every delay inside [ceiling/2, ceiling] with the ceiling doubling per attempt', () => {
    const clock = new ManualClock();
    for (const r of [0, 0.25, 0.5, 0.999999]) {
      const b = new Backoff({ baseMs: 100, maxMs: 10_000, clock, random: () => r });
      const delays = Array.from({ length: 6 }, () => b.next());
      const ceilings = [100, 200, 400, 800, 1600, 3200];
      delays.forEach((d, i) => {
        const c = ceilings[i] as number;
        expect(d).toBeGreaterThanOrEqual(c / 2);
        expect(d).toBeLessThanOrEqual(c);
      });
    }
  });

  it('uses the random source for jitter (lowest and highest draws differ)', () => {
    const clock = new ManualClock();
    const low = new Backoff({ baseMs: 1000, maxMs: 60_000, clock, random: () => 0 });
    const high = new Backoff({ baseMs: 1000, maxMs: 60_000, clock, random: () => 0.5 });
    expect(low.next()).toBe(500);
    expect(high.next()).toBe(750);
  });

  it('never exceeds the cap, even after many attempts', () => {
    const clock = new ManualClock();
    const b = new Backoff({ baseMs: 500, maxMs: 30_000, clock, random: () => 0.999999 });
    for (let i = 0; i < 2000; i++) expect(b.next()).toBeLessThanOrEqual(30_000);
    expect(b.ceiling()).toBe(30_000);
    expect(Number.isFinite(b.next())).toBe(true);
  });

  it('resets after a connection stayed up for the stable period, not before', () => {
    const clock = new ManualClock();
    const b = new Backoff({ baseMs: 100, maxMs: 10_000, stablePeriodMs: 5000, clock });
    for (let i = 0; i < 5; i++) b.next();
    expect(b.attempts).toBe(5);

    b.markConnected();
    clock.advance(4999);
    b.markDisconnected();
    expect(b.attempts).toBe(5);
    expect(b.ceiling()).toBe(3200);

    b.markConnected();
    clock.advance(5000);
    b.markDisconnected();
    expect(b.attempts).toBe(0);
    expect(b.ceiling()).toBe(100);
  });

  it('takes new base and cap from a config snapshot and refuses nonsense', () => {
    const clock = new ManualClock();
    const b = new Backoff({ baseMs: 100, maxMs: 1000, clock, random: () => 0.999999 });
    b.configure(2000, 4000);
    expect(b.next()).toBeGreaterThanOrEqual(1000);
    expect(b.next()).toBeLessThanOrEqual(4000);
    expect(() => b.configure(0, 10)).toThrow(RangeError);
    expect(() => b.configure(100, 10)).toThrow(RangeError);
  });
});
