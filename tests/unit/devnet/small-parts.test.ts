import { describe, expect, it } from 'vitest';
import { Deque } from '../../../src-main/devnet/io/deque.js';
import { Faults } from '../../../src-main/devnet/io/faults.js';
import { TimingRing } from '../../../src-main/devnet/io/timings.js';
import { syntheticPrompt } from '../../../src-main/devnet/io/prompts.js';
import { countTokens } from '../../../src-main/devnet/sim-runtime/index.js';

describe('devnet small parts', () => {
  it('deque keeps FIFO order with front insertions and retain', () => {
    const d = new Deque<number>();
    for (let i = 1; i <= 5; i++) d.push(i);
    d.unshift(0);
    d.unshift(-1);
    expect([...d]).toEqual([-1, 0, 1, 2, 3, 4, 5]);
    expect(d.shift()).toBe(-1);
    d.retain((x) => x % 2 === 0);
    expect([...d]).toEqual([0, 2, 4]);
    expect(d.length).toBe(3);
    expect(d.peek()).toBe(0);
  });

  it('timing ring summarises the retained samples and overwrites the oldest', () => {
    const t = new TimingRing(100);
    for (let i = 1; i <= 150; i++) t.add(i);
    const s = t.summary();
    expect(s.count).toBe(150);
    expect(s.retained).toBe(100);
    expect(s.min).toBe(51);
    expect(s.max).toBe(150);
    expect(s.p50).toBe(101);
    expect(s.p99).toBe(150);
    expect(t.values(3)).toEqual([148, 149, 150]);
  });

  it('faults switch on and off and drop_ws_mid_job counts down', () => {
    const f = new Faults();
    expect(f.apply({ drop_ws_mid_job: { times: 2 }, clock_skew: { ms: 5 } }, 10)).toEqual([
      'drop_ws_mid_job',
      'clock_skew',
    ]);
    expect(f.skewMs).toBe(5);
    expect(f.takeDrop()).toBe(true);
    expect(f.takeDrop()).toBe(true);
    expect(f.takeDrop()).toBe(false);
    f.apply({ oversized_frames: true, clock_skew: false }, 10);
    expect(f.state.oversized_frames).toEqual({ bytes: 10 });
    expect(f.skewMs).toBe(0);
    f.clear();
    expect(f.state.oversized_frames).toBeNull();
  });

  it('synthetic prompts have the asked token count for the simulated tokenizer and differ by salt', () => {
    expect(countTokens(syntheticPrompt(64, 1))).toBe(64);
    expect(syntheticPrompt(16, 1)).not.toBe(syntheticPrompt(16, 2));
  });
});
