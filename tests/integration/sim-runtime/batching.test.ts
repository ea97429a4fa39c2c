import { afterEach, describe, expect, it } from 'vitest';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';
import { metric, post, SseReader, waitFor } from './helpers.js';

const long = { prompt: 'Write forever.', max_tokens: 2000, ignore_eos: true };

describe('sim runtime: continuous batching over real sockets', () => {
  let rt: SimRuntime;
  afterEach(() => rt.close());

  async function openStream(body: object, signal?: AbortSignal) {
    const res = await post(rt, '/v1/completions', { ...body, stream: true }, { signal });
    expect(res.status).toBe(200);
    return new SseReader(res);
  }

  it('runs max-num-seqs at once; the next waits, and starts when a closed stream frees a slot', async () => {
    rt = await startSimRuntime({ maxNumSeqs: 2, ttftMs: 5, tokensPerSecond: 50 });
    const aborts = [new AbortController(), new AbortController()];
    const a = await openStream(long, aborts[0]?.signal);
    const b = await openStream(long, aborts[1]?.signal);
    await a.next();
    await b.next();
    const c = await openStream({ prompt: 'Short.', max_tokens: 2, ignore_eos: true });

    await waitFor(async () => (await metric(rt, 'vllm:num_requests_waiting')) === 1);
    expect(await metric(rt, 'vllm:num_requests_running')).toBe(2);
    // Still queued: nothing comes while both slots are busy.
    await expect(c.next(300)).rejects.toThrow('timeout');

    aborts[0]?.abort();
    const rest = await c.rest();
    expect(rest.at(-1)).toBe('[DONE]');
    expect(await metric(rt, 'vllm:num_requests_waiting')).toBe(0);
    expect(await metric(rt, 'vllm:request_success_total', { finished_reason: 'abort' })).toBe(1);
    aborts[1]?.abort();
    await waitFor(async () => (await metric(rt, 'vllm:num_requests_running')) === 0);
  });

  it('a closed non-streamed request frees its slot too', async () => {
    rt = await startSimRuntime({ maxNumSeqs: 1, ttftMs: 5, tokensPerSecond: 50 });
    const abort = new AbortController();
    const first = post(rt, '/v1/completions', long, { signal: abort.signal }).catch((e) => e);
    await waitFor(async () => (await metric(rt, 'vllm:num_requests_running')) === 1);
    const second = post(rt, '/v1/completions', { prompt: 'x', max_tokens: 2, ignore_eos: true });
    await waitFor(async () => (await metric(rt, 'vllm:num_requests_waiting')) === 1);
    abort.abort();
    const res = await second;
    expect(res.status).toBe(200);
    expect((await res.json()).usage.completion_tokens).toBe(2);
    expect(await first).toBeInstanceOf(Error);
  });

  it('starts a waiting request only once a running one finishes', async () => {
    rt = await startSimRuntime({ maxNumSeqs: 1, ttftMs: 20, tokensPerSecond: 100 });
    const a = await openStream({ prompt: 'a', max_tokens: 5, ignore_eos: true });
    const b = await openStream({ prompt: 'b', max_tokens: 1, ignore_eos: true });
    const order: string[] = [];
    await Promise.all([
      a.rest().then(() => order.push('a done')),
      b.next().then(() => order.push('b first token')),
    ]);
    expect(order).toEqual(['a done', 'b first token']);
  });

  it('moves the KV cache gauge while sequences run', async () => {
    rt = await startSimRuntime({ maxNumSeqs: 4, numGpuBlocks: 64, ttftMs: 1, tokensPerSecond: 50 });
    expect(await metric(rt, 'vllm:kv_cache_usage_perc')).toBe(0);
    const abort = new AbortController();
    const s = await openStream({ ...long, prompt: 'x '.repeat(100) }, abort.signal);
    await s.next();
    const usage = await metric(rt, 'vllm:kv_cache_usage_perc');
    expect(usage).toBeGreaterThan(0);
    expect(usage).toBeLessThanOrEqual(1);
    abort.abort();
    await waitFor(async () => (await metric(rt, 'vllm:kv_cache_usage_perc')) === 0);
  });
});
