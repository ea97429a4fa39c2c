import type http from 'node:http';
import { systemClock, type Clock } from '../clock.js';
import type { InferenceRequest, InferenceResult } from './runtime.js';
import { RuntimeError } from './runtime.js';
import { httpError, isAbortError, transportError } from './openai-errors.js';
import { readText, RuntimeHttp } from './runtime-http.js';
import { SseDecoder } from './sse.js';
import { StallWatch } from './stall-watch.js';
import { StreamState } from './stream-state.js';

/**
 * A result carries at most 960 KiB of output as JSON (so it fits a 1 MiB frame); an output of
 * more characters than that can never be sent, so reading stops there.
 */
export const MAX_OUTPUT_CHARS = 960 * 1024;

/** Silence in the middle of an answer (after its first token) after which a stream is stalled. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

export interface OpenAIClientOptions {
  /** Server root, e.g. `http://127.0.0.1:8000` (the `/v1/...` paths are added here). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` (vLLM's `--api-key`). */
  apiKey?: string | null;
  now?: () => number;
  /** Timers for the stall watch (defaults to the system clock). */
  clock?: Clock;
  /** See DEFAULT_STALL_TIMEOUT_MS. */
  stallTimeoutMs?: number;
}

/**
 * Streaming client for an OpenAI-compatible server (vLLM's `vllm serve`) over node:http with
 * one keep-alive agent: each concurrent stream has its own connection (no cap, so 64+ jobs
 * stream in parallel) and idle connections are reused. Cancelling a request, and every
 * failure, destroys its connection, which makes vLLM abort the sequence.
 */
export class OpenAIClient {
  readonly baseUrl: string;
  private readonly http: RuntimeHttp;
  private readonly now: () => number;
  private readonly clock: Clock;
  private readonly stallTimeoutMs: number;
  private readonly getHeaders: Record<string, string>;
  private readonly postHeaders: Record<string, string>;

  constructor(options: OpenAIClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.http = new RuntimeHttp(this.baseUrl);
    this.now = options.now ?? Date.now;
    this.clock = options.clock ?? systemClock;
    this.stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    const auth: Record<string, string> = options.apiKey
      ? { authorization: `Bearer ${options.apiKey}` }
      : {};
    this.getHeaders = auth;
    this.postHeaders = { 'content-type': 'application/json', ...auth };
  }

  /** GET a path; returns the body text of a 2xx answer, throws RuntimeError otherwise. */
  async getText(path: string, timeoutMs = 5_000): Promise<string> {
    const url = this.baseUrl + path;
    const signal = AbortSignal.timeout(timeoutMs);
    let status: number;
    let text: string;
    try {
      const { res } = await this.http.send(
        { method: 'GET', path, headers: this.getHeaders },
        signal,
      );
      status = res.statusCode ?? 0;
      text = await readText(res);
    } catch (err) {
      if (signal.aborted)
        throw new RuntimeError(
          `The runtime at ${url} did not answer within ${timeoutMs} ms.`,
          'timeout',
        );
      throw transportError(err, url);
    }
    if (!isOk(status)) throw httpError(status, text, url);
    return text;
  }

  async getJson(path: string, timeoutMs = 5_000): Promise<unknown> {
    const text = await this.getText(path, timeoutMs);
    try {
      return JSON.parse(text);
    } catch {
      throw new RuntimeError(
        `The runtime answered ${path} with something that is not JSON.`,
        'failed',
      );
    }
  }

  /** Runs one request with `stream: true` and collects the streamed answer. */
  async stream(request: InferenceRequest): Promise<InferenceResult> {
    const isChat = request.kind === 'chat';
    const path = isChat ? '/v1/chat/completions' : '/v1/completions';
    const url = this.baseUrl + path;
    const body: Record<string, unknown> = {
      model: request.model,
      max_tokens: request.maxTokens,
      stream: true,
      stream_options: { include_usage: true },
    };
    if (isChat) body.messages = request.messages;
    else body.prompt = request.prompt;
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.seed !== undefined) body.seed = request.seed;

    const startedAt = this.now();
    const state = new StreamState(isChat, this.now, request.maxTokens, request.onDelta);
    let exchange: { req: http.ClientRequest; res: http.IncomingMessage };
    try {
      exchange = await this.http.send(
        { method: 'POST', path, headers: this.postHeaders, body: JSON.stringify(body) },
        request.signal,
      );
    } catch (err) {
      if (request.signal.aborted || isAbortError(err)) throw cancelled();
      throw transportError(err, url);
    }
    const status = exchange.res.statusCode ?? 0;
    if (!isOk(status)) {
      let text: string;
      try {
        text = await readText(exchange.res);
      } catch (err) {
        if (request.signal.aborted) throw cancelled();
        throw transportError(err, url);
      }
      throw httpError(status, text, url);
    }
    await this.readAnswer(exchange, state, request, url);
    return state.finish(startedAt, this.now());
  }

  /**
   * Feeds the response's bytes to the SSE parser until `[DONE]` or the end. Any failure, a
   * cancel, a runaway or a stall destroys the connection (vLLM then aborts the sequence).
   */
  private readAnswer(
    { req, res }: { req: http.ClientRequest; res: http.IncomingMessage },
    state: StreamState,
    request: InferenceRequest,
    url: string,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = () => {
        settled = true;
        watch.stop();
        request.signal.removeEventListener('abort', onAbort);
      };
      const fail = (err: unknown) => {
        if (settled) return;
        finish();
        req.destroy();
        if (request.signal.aborted) reject(cancelled());
        else reject(err instanceof RuntimeError ? err : transportError(err, url));
      };
      const onAbort = () => fail(cancelled());
      // Before the first token the request may wait in vLLM's queue; after it, silence is a stall.
      const watch = new StallWatch(this.clock, this.stallTimeoutMs, () =>
        fail(
          new RuntimeError(
            `The runtime sent nothing for ${Math.round(this.stallTimeoutMs / 1000)} s in the middle of an answer (stalled); the node closed the stream.`,
            'failed',
            'stalled',
          ),
        ),
      );
      const parser = new SseDecoder((data) => state.onData(data));

      res.on('data', (chunk: Buffer) => {
        // After [DONE] vLLM ends the response and the connection goes back to the pool; only a
        // server that keeps sending is cut off.
        if (settled) return void req.destroy();
        if (watch.running) watch.touch();
        try {
          parser.push(chunk);
        } catch (err) {
          return fail(err);
        }
        if (state.runaway) {
          return fail(
            new RuntimeError(
              `The runtime kept generating past max_tokens (${request.maxTokens}); the node stopped reading and closed the stream.`,
              'failed',
              'runaway',
            ),
          );
        }
        if (state.text.length > MAX_OUTPUT_CHARS) {
          return fail(
            new RuntimeError(
              `The output grew beyond ${MAX_OUTPUT_CHARS} characters; the node stopped reading it.`,
              'failed',
            ),
          );
        }
        if (state.done) {
          finish();
          return resolve();
        }
        if (!watch.running && state.firstTokenAt !== null) watch.start();
      });
      res.once('end', () => {
        if (settled) return;
        try {
          parser.end();
        } catch (err) {
          return fail(err);
        }
        finish();
        resolve();
      });
      // The connection broke mid-answer (the socket's error reaches the request, or the
      // response closes unfinished).
      req.on('error', fail);
      res.once('close', () => {
        if (!res.complete) fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      });
      if (request.signal.aborted) return onAbort();
      request.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function cancelled(): RuntimeError {
  return new RuntimeError('The request was cancelled and its stream closed.', 'cancelled');
}

function isOk(status: number): boolean {
  return status >= 200 && status < 300;
}
