import { describe, expect, it } from 'vitest';
import { benchmarkWords } from '../../../src-renderer/src/pages/gpu/BenchmarkLine.js';

describe('benchmark words', () => {
  it('says speed, time to first token and when it was measured', () => {
    const b = { model: 'm', tokensPerSecond: 141.6, ttftMs: 180, measuredAt: 0 } as const;
    expect(benchmarkWords({ ...b, kind: 'registration' })).toBe(
      'Benchmark: 142 tok/s, TTFT 180 ms, at registration',
    );
    expect(benchmarkWords({ ...b, ttftMs: null, kind: 'recheck' })).toBe(
      'Benchmark: 142 tok/s, last re-check',
    );
  });
});
