import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parsePrometheusText,
  parseVllmMetrics,
} from '../../../src-main/core/runtime/vllm-metrics.js';

const SAMPLE = readFileSync(
  new URL('../../fixtures/vllm/metrics-v0.11.txt', import.meta.url),
  'utf8',
);

describe('parseVllmMetrics', () => {
  it('reads the vLLM gauges, counter and TTFT histogram mean from a real-style sample', () => {
    const m = parseVllmMetrics(SAMPLE);
    expect(m.running).toBe(12);
    expect(m.waiting).toBe(3);
    expect(m.kvCacheUsage).toBeCloseTo(0.4375);
    expect(m.timeToFirstTokenSeconds).toBeCloseTo(24.65 / 493);
    expect(m.generationTokensTotal).toBe(153042);
  });

  it('sums series across engines and averages KV-cache use', () => {
    const text = [
      'vllm:num_requests_running{engine="0"} 2',
      'vllm:num_requests_running{engine="1"} 5',
      'vllm:kv_cache_usage_perc{engine="0"} 0.2',
      'vllm:kv_cache_usage_perc{engine="1"} 0.6',
    ].join('\n');
    const m = parseVllmMetrics(text);
    expect(m.running).toBe(7);
    expect(m.kvCacheUsage).toBeCloseTo(0.4);
  });

  it('gives nulls for metrics that are absent, and for an empty TTFT histogram', () => {
    const m = parseVllmMetrics(
      'vllm:time_to_first_token_seconds_sum 0\nvllm:time_to_first_token_seconds_count 0\n',
    );
    expect(m).toEqual({
      running: null,
      waiting: null,
      kvCacheUsage: null,
      timeToFirstTokenSeconds: null,
      generationTokensTotal: null,
    });
  });

  it('falls back to the old gpu_cache_usage_perc name', () => {
    expect(parseVllmMetrics('vllm:gpu_cache_usage_perc 0.25').kvCacheUsage).toBeCloseTo(0.25);
  });
});

describe('parsePrometheusText', () => {
  it('handles escaped label values, timestamps, special values and junk lines', () => {
    const text = [
      '# TYPE x gauge',
      'x{a="q\\"uo,te}",b="new\\nline"} 1.5 1763800000000',
      'y +Inf',
      'z NaN',
      'this line is not a sample',
      'w{broken="x} 3',
      '',
    ].join('\n');
    const m = parsePrometheusText(text);
    expect(m.get('x')).toEqual([{ labels: { a: 'q"uo,te}', b: 'new\nline' }, value: 1.5 }]);
    expect(m.get('y')?.[0]?.value).toBe(Infinity);
    expect(Number.isNaN(m.get('z')?.[0]?.value)).toBe(true);
    expect(m.has('this')).toBe(false);
    expect(m.has('w')).toBe(false);
  });
});
