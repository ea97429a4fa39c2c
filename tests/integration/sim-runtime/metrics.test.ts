import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';
import { parsePrometheus, post } from './helpers.js';

const MODEL = 'metrics-model';

describe('sim runtime: /metrics', () => {
  let rt: SimRuntime;
  beforeAll(async () => {
    rt = await startSimRuntime({ servedModelName: MODEL, ttftMs: 1, tokensPerSecond: 1000 });
  });
  afterAll(() => rt.close());

  const scrape = async () => {
    const res = await fetch(`${rt.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await res.text());
  };
  const value = (p: ReturnType<typeof parsePrometheus>, name: string, extra = {}) =>
    p.samples.find(
      (s) =>
        s.name === name &&
        s.labels.model_name === MODEL &&
        Object.entries(extra).every(([k, v]) => s.labels[k] === v),
    )?.value;

  it("uses vLLM's names and types", async () => {
    const { types } = await scrape();
    expect(Object.fromEntries(types)).toMatchObject({
      'vllm:num_requests_running': 'gauge',
      'vllm:num_requests_waiting': 'gauge',
      'vllm:kv_cache_usage_perc': 'gauge',
      'vllm:time_to_first_token_seconds': 'histogram',
      'vllm:e2e_request_latency_seconds': 'histogram',
      'vllm:generation_tokens_total': 'counter',
      'vllm:prompt_tokens_total': 'counter',
      'vllm:request_success_total': 'counter',
    });
  });

  it('counters and histograms grow with traffic', async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) {
      const res = await post(rt, '/v1/completions', {
        prompt: 'Count me in',
        max_tokens: 4,
        ignore_eos: true,
      });
      expect(res.status).toBe(200);
    }
    const after = await scrape();
    const delta = (name: string, extra = {}) =>
      (value(after, name, extra) ?? NaN) - (value(before, name, extra) ?? NaN);
    expect(delta('vllm:generation_tokens_total')).toBe(12);
    expect(delta('vllm:prompt_tokens_total')).toBe(12); // "Coun" "t" " me" " in"
    expect(delta('vllm:request_success_total', { finished_reason: 'length' })).toBe(3);
    expect(delta('vllm:time_to_first_token_seconds_count')).toBe(3);
    expect(delta('vllm:e2e_request_latency_seconds_count')).toBe(3);
    expect(delta('vllm:e2e_request_latency_seconds_sum')).toBeGreaterThan(0);

    const buckets = after.samples.filter(
      (s) => s.name === 'vllm:time_to_first_token_seconds_bucket',
    );
    const counts = buckets.map((b) => b.value);
    expect(counts).toEqual([...counts].sort((x, y) => x - y));
    expect(buckets.at(-1)?.labels.le).toBe('+Inf');
    expect(buckets.at(-1)?.value).toBe(value(after, 'vllm:time_to_first_token_seconds_count'));
  });
});
