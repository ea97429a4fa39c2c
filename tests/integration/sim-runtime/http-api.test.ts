import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';
import {
  simulateChatCompletion,
  simulateCompletion,
} from '../../../src-main/devnet/sim-runtime/simulate.js';
import { authHeaders, post } from './helpers.js';

const MODEL = 'sim-model';
const messages = [{ role: 'user' as const, content: 'Name three rivers.' }];

describe('sim runtime: OpenAI-compatible HTTP API', () => {
  let rt: SimRuntime;
  beforeAll(async () => {
    rt = await startSimRuntime({
      model: 'org/sim-model-7b',
      servedModelName: MODEL,
      maxModelLen: 256,
      ttftMs: 1,
      tokensPerSecond: 2000,
    });
  });
  afterAll(() => rt.close());

  it('binds 127.0.0.1 and makes up an API key by default', () => {
    expect(rt.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(rt.apiKey).toMatch(/^[\w-]{20,}$/);
  });

  it('answers /health, /version and /v1/models like vLLM', async () => {
    const health = await fetch(`${rt.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('');
    expect(await (await fetch(`${rt.url}/version`)).json()).toEqual({
      version: '0.11.0',
      simulated: true,
    });
    const models = await (await fetch(`${rt.url}/v1/models`, { headers: authHeaders(rt) })).json();
    expect(models).toMatchObject({
      object: 'list',
      data: [
        {
          id: MODEL,
          object: 'model',
          owned_by: 'vllm',
          root: 'org/sim-model-7b',
          max_model_len: 256,
        },
      ],
    });
  });

  it('requires the bearer key on /v1/* only', async () => {
    const missing = await fetch(`${rt.url}/v1/models`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'Unauthorized' });
    const wrong = await post(
      rt,
      '/v1/chat/completions',
      { messages },
      {
        headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
      },
    );
    expect(wrong.status).toBe(401);
    for (const open of ['/health', '/metrics', '/version']) {
      expect((await fetch(rt.url + open)).status).toBe(200);
    }
  });

  it('answers a chat completion with the deterministic text and usage', async () => {
    const res = await post(rt, '/v1/chat/completions', {
      model: MODEL,
      messages,
      max_tokens: 12,
      seed: 5,
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    const expected = simulateChatCompletion({ model: MODEL, messages, seed: 5, maxTokens: 12 });
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: MODEL,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: expected.text },
          finish_reason: expected.finishReason,
        },
      ],
      usage: { completion_tokens: expected.completionTokens },
    });
    expect(body.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    const u = body.usage;
    expect(u.prompt_tokens).toBeGreaterThan(0);
    expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
  });

  it('gives the same text for the same seed and another for another seed', async () => {
    const ask = async (seed: number) =>
      (await (await post(rt, '/v1/completions', { prompt: 'Once', max_tokens: 20, seed })).json())
        .choices[0].text as string;
    const a = await ask(1);
    expect(await ask(1)).toBe(a);
    expect(await ask(2)).not.toBe(a);
    expect(a).toBe(
      simulateCompletion({ model: MODEL, prompt: 'Once', seed: 1, maxTokens: 20 }).text,
    );
  });

  it('answers a text completion, with max_completion_tokens honoured on chat', async () => {
    const res = await post(rt, '/v1/completions', {
      model: MODEL,
      prompt: 'Hi',
      max_tokens: 3,
      ignore_eos: true,
    });
    const body = await res.json();
    expect(body).toMatchObject({
      object: 'text_completion',
      choices: [{ index: 0, finish_reason: 'length' }],
      usage: { completion_tokens: 3 },
    });
    expect(body.id).toMatch(/^cmpl-/);
    const chat = await (
      await post(rt, '/v1/chat/completions', {
        messages,
        max_completion_tokens: 2,
        ignore_eos: true,
      })
    ).json();
    expect(chat.usage.completion_tokens).toBe(2);
  });

  it('rejects an unknown model with 404 in vLLM error shape', async () => {
    const res = await post(rt, '/v1/chat/completions', { model: 'other', messages });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        message: 'The model `other` does not exist.',
        type: 'NotFoundError',
        param: null,
        code: 404,
      },
    });
  });

  it('rejects a too long prompt and a too large max_tokens with 400', async () => {
    const long = await post(rt, '/v1/completions', { prompt: 'word '.repeat(400) });
    expect(long.status).toBe(400);
    const lb = await long.json();
    expect(lb.error).toMatchObject({ type: 'BadRequestError', code: 400 });
    expect(lb.error.message).toMatch(/maximum context length is 256 tokens/);
    const big = await post(rt, '/v1/chat/completions', { messages, max_tokens: 1000 });
    expect(big.status).toBe(400);
    expect((await big.json()).error.message).toMatch(
      /^'max_tokens' or 'max_completion_tokens' is too large: 1000\./,
    );
  });

  it('rejects malformed bodies with 400 and unknown paths with 404', async () => {
    const bad = await post(rt, '/v1/chat/completions', { messages: 'nope' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.type).toBe('BadRequestError');
    const notJson = await fetch(`${rt.url}/v1/completions`, {
      method: 'POST',
      headers: authHeaders(rt),
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${rt.url}/nothing`)).status).toBe(404);
    expect((await fetch(`${rt.url}/health`, { method: 'DELETE' })).status).toBe(405);
  });
});
