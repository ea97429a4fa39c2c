import { describe, expect, it } from 'vitest';
import {
  EngineDeadError,
  SimEngine,
  type EngineOptions,
  type SequenceSink,
} from '../../../src-main/devnet/sim-runtime/engine.js';
import { ManualClock } from '../../helpers/manual-clock.js';

interface Recorded extends SequenceSink {
  tokens: number;
  steps: Array<[number, number]>;
  finished: boolean;
  error?: Error;
}

function recorder(): Recorded {
  const r: Recorded = {
    tokens: 0,
    steps: [],
    finished: false,
    onTokens(from, to) {
      r.steps.push([from, to]);
      r.tokens = to;
    },
    onFinish() {
      r.finished = true;
    },
    onError(error) {
      r.error = error;
    },
  };
  return r;
}

function engine(opts: Partial<EngineOptions> = {}) {
  const clock = new ManualClock(0);
  const e = new SimEngine(
    { maxNumSeqs: 2, ttftMs: 100, tokensPerSecond: 10, numGpuBlocks: 100, tickMs: 0, ...opts },
    clock,
  );
  return { clock, e };
}

const req = (outputTokens: number, promptTokens = 10) => ({
  promptTokens,
  outputTokens,
  finishReason: 'length' as const,
});

describe('SimEngine continuous batching', () => {
  it('emits the first token after ttft, then one every 1/tps seconds', () => {
    const { clock, e } = engine();
    const r = recorder();
    e.submit(req(3), r);
    clock.advance(99);
    expect(r.tokens).toBe(0);
    clock.advance(1);
    expect(r.tokens).toBe(1);
    clock.advance(99);
    expect(r.tokens).toBe(1);
    clock.advance(1);
    expect(r.tokens).toBe(2);
    expect(r.finished).toBe(false);
    clock.advance(100);
    expect(r.tokens).toBe(3);
    expect(r.finished).toBe(true);
    expect(clock.pending).toBe(0);
    const s = e.stats();
    expect(s.generationTokens).toBe(3);
    expect(s.promptTokens).toBe(10);
    expect(s.finished.length).toBe(1);
    expect(s.ttft.count).toBe(1);
    expect(s.ttft.sum).toBeCloseTo(0.1);
    expect(s.e2eLatency.sum).toBeCloseTo(0.3);
  });

  it('runs at most maxNumSeqs at once; the next one waits FIFO until a slot frees', () => {
    const { clock, e } = engine({ maxNumSeqs: 2 });
    const a = recorder();
    const b = recorder();
    const c = recorder();
    const d = recorder();
    e.submit(req(2), a);
    e.submit(req(5), b);
    e.submit(req(1), c);
    e.submit(req(1), d);
    expect(e.stats()).toMatchObject({ running: 2, waiting: 2 });
    clock.advance(200); // a finishes at t=200
    expect(a.finished).toBe(true);
    expect(e.stats()).toMatchObject({ running: 2, waiting: 1 });
    // c was admitted at t=200 (first in line), so its first token comes at t=300.
    clock.advance(99);
    expect(c.tokens).toBe(0);
    clock.advance(1);
    expect(c.finished).toBe(true);
    expect(d.tokens).toBe(0);
    clock.advance(100);
    expect(d.finished).toBe(true);
    expect(e.stats()).toMatchObject({ running: 1, waiting: 0 });
  });

  it('a cancelled running sequence frees its slot at once for the waiting one', () => {
    const { clock, e } = engine({ maxNumSeqs: 1 });
    const a = recorder();
    const b = recorder();
    const ha = e.submit(req(50), a);
    e.submit(req(1), b);
    clock.advance(150);
    expect(e.stats()).toMatchObject({ running: 1, waiting: 1 });
    ha.cancel();
    expect(e.stats()).toMatchObject({ running: 1, waiting: 0 });
    const tokensAtCancel = a.tokens;
    clock.advance(100);
    expect(b.finished).toBe(true);
    expect(a.tokens).toBe(tokensAtCancel);
    expect(a.finished).toBe(false);
    expect(e.stats().finished.abort).toBe(1);
  });

  it('a cancelled waiting sequence leaves the queue', () => {
    const { clock, e } = engine({ maxNumSeqs: 1 });
    e.submit(req(1), recorder());
    const hb = e.submit(req(1), recorder());
    expect(e.stats().waiting).toBe(1);
    hb.cancel();
    expect(e.stats().waiting).toBe(0);
    clock.advance(1000);
    expect(e.stats().running).toBe(0);
  });

  it('coalesces tokens of one step when the tick is coarse', () => {
    const { clock, e } = engine({ tokensPerSecond: 1000, ttftMs: 0, tickMs: 10 });
    const r = recorder();
    e.submit(req(100), r);
    clock.advance(200);
    expect(r.finished).toBe(true);
    expect(r.steps.length).toBeLessThan(30);
    expect(r.steps.at(-1)?.[1]).toBe(100);
  });

  it('drives many sequences with a single timer', () => {
    const { clock, e } = engine({ maxNumSeqs: 64, tokensPerSecond: 100, ttftMs: 20, tickMs: 5 });
    const rs = Array.from({ length: 64 }, () => recorder());
    rs.forEach((r, i) => e.submit(req(10 + i), r));
    expect(clock.pending).toBe(1);
    clock.advance(50);
    expect(clock.pending).toBe(1);
    clock.advance(2000);
    expect(rs.every((r) => r.finished)).toBe(true);
  });

  it('instant mode answers inside submit', () => {
    const { clock, e } = engine({ tokensPerSecond: 0, maxNumSeqs: 1 });
    const r = recorder();
    e.submit(req(7), r);
    expect(r.finished).toBe(true);
    expect(r.tokens).toBe(7);
    expect(clock.pending).toBe(0);
    expect(e.stats().running).toBe(0);
  });

  it('KV cache usage follows the running sequences', () => {
    const { clock, e } = engine({ numGpuBlocks: 10, maxNumSeqs: 4 });
    expect(e.stats().kvCacheUsage).toBe(0);
    const h = e.submit(req(40, 32), recorder()); // 2 blocks of prompt
    expect(e.stats().kvCacheUsage).toBeCloseTo(0.2);
    clock.advance(100 + 100 * 16); // 17 tokens out: 49 tokens -> 4 blocks
    expect(e.stats().kvCacheUsage).toBeCloseTo(0.4);
    h.cancel();
    expect(e.stats().kvCacheUsage).toBe(0);
  });

  it('crash fails every sequence and refuses new ones', () => {
    const { clock, e } = engine({ maxNumSeqs: 1 });
    const a = recorder();
    const b = recorder();
    e.submit(req(10), a);
    e.submit(req(10), b);
    clock.advance(150);
    e.crash();
    expect(a.error).toBeInstanceOf(EngineDeadError);
    expect(b.error).toBeInstanceOf(EngineDeadError);
    expect(e.stats()).toMatchObject({ running: 0, waiting: 0, dead: true });
    expect(() => e.submit(req(1), recorder())).toThrow(EngineDeadError);
    expect(clock.pending).toBe(0);
  });

  it('pause stops progress and resume continues without a burst', () => {
    const { clock, e } = engine();
    const r = recorder();
    e.submit(req(5), r);
    clock.advance(100);
    expect(r.tokens).toBe(1);
    e.pause();
    clock.advance(10_000);
    expect(r.tokens).toBe(1);
    e.resume();
    clock.advance(100);
    expect(r.tokens).toBe(2);
  });
});
