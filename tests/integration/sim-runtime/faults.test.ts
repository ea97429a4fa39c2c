import { afterEach, describe, expect, it } from 'vitest';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';
import { post, SseReader, waitFor } from './helpers.js';

const TOKEN = 'control-secret';

function fault(rt: SimRuntime, body: unknown, token = TOKEN): Promise<Response> {
  return fetch(`${rt.url}/_sim/fault`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const health = async (rt: SimRuntime) => (await fetch(`${rt.url}/health`)).status;

describe('sim runtime: failure injection', () => {
  let rt: SimRuntime;
  afterEach(() => rt.close());

  it('/health goes 503 while loading, 200 when ready, 503 after a crash', async () => {
    const fatal: string[] = [];
    rt = await startSimRuntime({
      warmupMs: 300,
      controlToken: TOKEN,
      onFatal: (code, reason) => fatal.push(`${reason}:${code}`),
    });
    expect(await health(rt)).toBe(503);
    expect(rt.phase()).toBe('loading');
    const early = await post(rt, '/v1/completions', { prompt: 'x', max_tokens: 1 });
    expect(early.status).toBe(503);
    await waitFor(async () => (await health(rt)) === 200);

    expect((await fault(rt, { fault: 'crash' })).status).toBe(200);
    expect(await health(rt)).toBe(503);
    expect(fatal).toEqual(['crash:1']);
    // Like vLLM with a dead engine: empty 500s for generation, the rest still answers.
    const after = await post(rt, '/v1/completions', { prompt: 'x', max_tokens: 1 });
    expect(after.status).toBe(500);
    expect(await after.text()).toBe('');
    expect((await fetch(`${rt.url}/metrics`)).status).toBe(200);
    // A dead engine stays dead.
    await fault(rt, { fault: 'clear' });
    expect(await health(rt)).toBe(503);
  });

  it('crash fails in-flight requests: streams get an error event and [DONE], others a 500', async () => {
    rt = await startSimRuntime({ controlToken: TOKEN, ttftMs: 1, tokensPerSecond: 20 });
    const body = { prompt: 'long', max_tokens: 1000, ignore_eos: true };
    const stream = new SseReader(await post(rt, '/v1/completions', { ...body, stream: true }));
    await stream.next();
    const plain = post(rt, '/v1/completions', body);
    await waitFor(() => rt.engine.stats().running === 2);
    await fault(rt, { fault: 'crash' });
    const rest = await stream.rest();
    expect(rest.at(-1)).toBe('[DONE]');
    const error = JSON.parse(rest.at(-2) ?? '{}');
    expect(error.error).toMatchObject({ type: 'InternalServerError', code: 500 });
    expect((await plain).status).toBe(500);
  });

  it('hang: connections are accepted but never answered until cleared', async () => {
    rt = await startSimRuntime({ controlToken: TOKEN });
    await fault(rt, { fault: 'hang' });
    await expect(fetch(`${rt.url}/health`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(
      /timeout|aborted/i,
    );
    const parked = post(rt, '/v1/completions', { prompt: 'x', max_tokens: 2 });
    await new Promise((r) => setTimeout(r, 50));
    await fault(rt, { fault: 'clear' });
    expect((await parked).status).toBe(200);
    expect(await health(rt)).toBe(200);
  });

  it('error-rate: the given share of requests fails with a vLLM-shaped 500', async () => {
    rt = await startSimRuntime({ controlToken: TOKEN, tokensPerSecond: 0 });
    await fault(rt, { fault: 'error-rate', rate: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await post(rt, '/v1/completions', { prompt: `p${i}`, max_tokens: 2 });
      statuses.push(res.status);
      const body = await res.json();
      if (res.status === 500) {
        expect(body).toEqual({
          error: {
            message: expect.any(String),
            type: 'InternalServerError',
            param: null,
            code: 500,
          },
        });
      }
    }
    expect(statuses.filter((s) => s === 500)).toHaveLength(5);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    await fault(rt, { fault: 'clear' });
    expect((await post(rt, '/v1/completions', { prompt: 'p', max_tokens: 1 })).status).toBe(200);
  });

  it('slow-start at run time sends the server back to loading for a while', async () => {
    rt = await startSimRuntime({ controlToken: TOKEN });
    await fault(rt, { fault: 'slow-start', durationMs: 300 });
    expect(await health(rt)).toBe(503);
    await waitFor(async () => (await health(rt)) === 200);
  });

  it('startup faults: hang and error-rate from the options', async () => {
    rt = await startSimRuntime({ faults: { errorRate: 1 }, tokensPerSecond: 0 });
    expect((await post(rt, '/v1/completions', { prompt: 'x', max_tokens: 1 })).status).toBe(500);
    await rt.close();
    rt = await startSimRuntime({ faults: { hang: true } });
    await expect(fetch(`${rt.url}/health`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
  });

  it('guards the control endpoint with its own token, and hides it when none is set', async () => {
    rt = await startSimRuntime({ controlToken: TOKEN });
    const wrong = await fault(rt, { fault: 'crash' }, 'not-it');
    expect(wrong.status).toBe(401);
    const withApiKey = await fault(rt, { fault: 'crash' }, rt.apiKey ?? '');
    expect(withApiKey.status).toBe(401);
    expect(await health(rt)).toBe(200);
    expect((await fault(rt, { fault: 'explode' })).status).toBe(400);
    expect((await fault(rt, { fault: 'oom-at-start' })).status).toBe(400);
    await rt.close();
    rt = await startSimRuntime({});
    const hidden = await fault(rt, { fault: 'crash' });
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual({ detail: 'Not Found' });
  });

  it('oom-at-start: the engine never becomes ready and reports exit code 1', async () => {
    const lines: string[] = [];
    let exit: number | undefined;
    rt = await startSimRuntime({
      faults: { oomAtStart: true },
      log: (l) => lines.push(l),
      onFatal: (code) => (exit = code),
    });
    expect(exit).toBe(1);
    expect(await health(rt)).toBe(503);
    expect(lines.join('\n')).toMatch(/torch\.OutOfMemoryError: CUDA out of memory/);
  });
});
