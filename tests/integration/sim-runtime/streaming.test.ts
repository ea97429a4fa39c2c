import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';
import { simulateCompletion } from '../../../src-main/devnet/sim-runtime/simulate.js';
import { post, SseReader } from './helpers.js';

const MODEL = 'sim-model';

describe('sim runtime: streamed completions (SSE)', () => {
  let rt: SimRuntime;
  beforeAll(async () => {
    rt = await startSimRuntime({ servedModelName: MODEL, ttftMs: 2, tokensPerSecond: 1000 });
  });
  afterAll(() => rt.close());

  it('streams chat.completion.chunk deltas, a usage chunk and [DONE]', async () => {
    const res = await post(rt, '/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'Tell me about GPUs.' }],
      max_tokens: 8,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const data = await new SseReader(res).rest();
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    const first = chunks[0];
    expect(first).toMatchObject({
      object: 'chat.completion.chunk',
      model: MODEL,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    expect(first.id).toMatch(/^chatcmpl-/);
    expect(chunks.every((c) => c.id === first.id)).toBe(true);
    const usageChunk = chunks.at(-1);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ completion_tokens: 8 });
    expect(usageChunk.usage.total_tokens).toBe(
      usageChunk.usage.prompt_tokens + usageChunk.usage.completion_tokens,
    );
    const deltas = chunks.slice(1, -1);
    expect(deltas.at(-1).choices[0].finish_reason).toBe('length');
    expect(deltas.slice(0, -1).every((c) => c.choices[0].finish_reason === null)).toBe(true);
    const text = deltas.map((c) => c.choices[0].delta.content).join('');

    const whole = await post(rt, '/v1/chat/completions', {
      messages: [{ role: 'user', content: 'Tell me about GPUs.' }],
      max_tokens: 8,
      ignore_eos: true,
    });
    expect(text).toBe((await whole.json()).choices[0].message.content);
  });

  it('streams text_completion chunks ending with finish_reason stop', async () => {
    const expected = simulateCompletion({
      model: MODEL,
      prompt: 'Hello',
      seed: 9,
      maxTokens: 2000,
    });
    expect(expected.finishReason).toBe('stop');
    const res = await post(rt, '/v1/completions', {
      prompt: 'Hello',
      seed: 9,
      max_tokens: 2000,
      stream: true,
    });
    const data = await new SseReader(res).rest();
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks.every((c) => c.object === 'text_completion' && c.choices.length === 1)).toBe(
      true,
    );
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(chunks.map((c) => c.choices[0].text).join('')).toBe(expected.text);
    // No include_usage: no usage chunk.
    expect(chunks.every((c) => c.usage === null)).toBe(true);
  });

  it('adds usage to every chunk with continuous_usage_stats', async () => {
    const res = await post(rt, '/v1/completions', {
      prompt: 'Hi',
      max_tokens: 3,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
    });
    const chunks = (await new SseReader(res).rest()).slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks.every((c) => c.usage && c.usage.prompt_tokens === 1)).toBe(true);
    expect(chunks.at(-1).usage.completion_tokens).toBe(3);
  });

  it('refuses stream_options without stream', async () => {
    const res = await post(rt, '/v1/completions', {
      prompt: 'Hi',
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(400);
  });
});
