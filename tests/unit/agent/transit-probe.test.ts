import { describe, expect, it } from 'vitest';
import { TransitProbe } from '../../../src-main/core/agent/transit-probe.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const settle = () => new Promise((r) => setImmediate(r));

describe('the jobs-in-transit probe', () => {
  it('counts the announced jobs the runtime does not hold, at most every 250 ms, only while saturated', async () => {
    const clock = new ManualClock();
    const reads: { running: number | null; waiting: number | null }[] = [];
    let next = { running: 60 as number | null, waiting: 2 as number | null };
    const probe = new TransitProbe(clock, () => {
      reads.push(next);
      return Promise.resolve(next);
    });
    probe.poke(true, 72); // 72 − 60 − 2 = 10 in transit
    await settle();
    probe.poke(true, 72); // too soon: not read
    clock.advance(250);
    probe.poke(false, 72); // the network had no more work: not read
    next = { running: 64, waiting: 8 };
    probe.poke(true, 72); // 0 in transit
    await settle();
    clock.advance(250);
    next = { running: null, waiting: null }; // metrics unknown: no sample
    probe.poke(true, 72);
    await settle();
    expect(reads).toHaveLength(3);
    expect(probe.p95(3)).toBeNull();
    expect(probe.p95(2)).toBe(10);
  });

  it('takes the 95th percentile, and loses only the sample when a read fails', async () => {
    const clock = new ManualClock();
    let i = 0;
    const probe = new TransitProbe(clock, () => {
      i++;
      if (i === 5) return Promise.reject(new Error('timed out'));
      // 1 job in transit most of the time, 8 in one read of twenty.
      return Promise.resolve({ running: 64, waiting: i % 20 === 0 ? 0 : 7 });
    });
    for (let k = 0; k < 41; k++) {
      probe.poke(true, 72);
      await settle();
      clock.advance(250);
    }
    // 40 samples (one read failed): 38 of 1 in transit, 2 of 8.
    expect(probe.p95(40)).toBe(8);
    expect(probe.p95(41)).toBeNull();
  });
});
