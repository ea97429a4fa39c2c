import { describe, expect, it } from 'vitest';
import { MAX_REFILL_MS, RefillMeter } from '../../../src-main/core/agent/refill-meter.js';
import { ManualClock } from '../../helpers/manual-clock.js';

/** A node that announced `announced` jobs and holds all of them. */
function full(announced: number) {
  const clock = new ManualClock();
  const meter = new RefillMeter(clock);
  meter.announce(announced, 0);
  for (let i = 0; i < announced; i++) meter.assigned();
  return { clock, meter };
}

describe('the refill meter', () => {
  it('times a freed slot of a full node until the next assignment', () => {
    const { clock, meter } = full(4);
    meter.released();
    clock.advance(30);
    meter.assigned();
    clock.advance(10);
    meter.released();
    clock.advance(50);
    meter.assigned();
    expect(meter.figures(1)).toMatchObject({ refillMs: 50, samples: 2 });
    expect(meter.figures(3)).toBeNull(); // too few refills to say anything yet
  });

  it('counts nothing while the node holds fewer jobs than it announced (the network had none)', () => {
    const clock = new ManualClock();
    const meter = new RefillMeter(clock);
    meter.announce(8, 0);
    meter.assigned();
    meter.assigned();
    meter.released();
    clock.advance(40);
    meter.assigned();
    expect(meter.figures(1)).toBeNull();
  });

  it('pairs freed slots with assignments oldest first, and keeps counting while owed', () => {
    const { clock, meter } = full(2);
    meter.released(); // t=0: held 1, owed 1
    clock.advance(10);
    meter.released(); // t=10: held 0, owed 2 — still every announced job held or owed
    clock.advance(20);
    meter.assigned(); // pairs with t=0: 30 ms
    meter.assigned(); // pairs with t=10: 20 ms
    expect(meter.figures(2)).toMatchObject({ refillMs: 30, samples: 2 });
  });

  it(`drops a slot left empty longer than ${MAX_REFILL_MS} ms: no work, not a slow refill`, () => {
    const { clock, meter } = full(2);
    meter.released();
    clock.advance(MAX_REFILL_MS + 1);
    meter.assigned();
    expect(meter.figures(1)).toBeNull();
  });

  it('takes the 95th percentile of the refill times and the results a second', () => {
    const { clock, meter } = full(1);
    for (let i = 0; i < 100; i++) {
      meter.released();
      const gap = i < 90 ? 5 : 100; // ten slow refills among a hundred
      clock.advance(gap);
      meter.assigned();
      clock.advance(10 - Math.min(gap, 10));
    }
    const f = meter.figures()!;
    expect(f.refillMs).toBe(100);
    expect(f.samples).toBe(100);
    // 100 results from the first to now: 90 × 10 ms + 10 × 100 ms = 1.9 s.
    expect(f.perSecond).toBeCloseTo(100 / 1.9, 1);
  });

  it('starts afresh with a new session: what it announces and holds', () => {
    const { clock, meter } = full(4);
    meter.released(); // owed under the old session…
    meter.announce(6, 3); // …forgotten by the new one, which holds 3 of 6
    clock.advance(25);
    meter.assigned();
    meter.released(); // held 3 + 0 owed < 6: the network had no more work
    clock.advance(25);
    meter.assigned();
    expect(meter.figures(1)).toBeNull();
  });
});
