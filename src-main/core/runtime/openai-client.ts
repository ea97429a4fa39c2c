import { systemClock, type Clock } from '../clock.js';
import type { InferenceRequest, InferenceResult } from './runtime.js';
import { RuntimeError } from './runtime.js';
import { httpError, isAbortError, transportError } from './openai-errors.js';
import { SseParser } from './sse.js';

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
  fetch?: typeof fetch;
  now?: () => number;
  /** Timers for the stall watch (defaults to the system clock). */
  clock?: Clock;
  /** See DEFAULT_STALL_TIMEOUT_MS. */
  stallTimeoutMs?: number;
}

interface StreamChunk {
  error?: { message?: string } | string;
  choices?: Array<{
    delta?: { content?: string | null };
    text?: string | null;
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/**
 * Streaming client for an OpenAI-compatible server (vLLM's `vllm serve`). Node's fetch keeps
 * connections alive and opens one per concurrent stream (its pool has no per-origin cap), so
 * 64+ jobs stream in parallel; aborting the request signal closes the socket, which makes vLLM
 * abort the sequence.
 */
export class OpenAIClient {
  readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: OpenAIClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = {};
    if (json) h['content-type'] = 'application/json';
    if (this.options.apiKey) h.authorization = `Bearer ${this.options.apiKey}`;
    return h;
  }

  /** GET a path; returns the body text of a 2xx answer, throws RuntimeError otherwise. */
  async getText(path: string, timeoutMs = 5_000): Promise<string> {
    const url = this.baseUrl + path;
    let res: Response;
    try {
      res = await this.fetch(url, {
        headers: this.headers(false),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      if (isAbortError(err) || (err as Error).name === 'TimeoutError')
        throw new RuntimeError(
          `The runtime at ${url} did not answer within ${timeoutMs} ms.`,
          'timeout',
        );
      throw transportError(err, url);
    }
    const text = await res.text();
    if (!res.ok) throw httpError(res.status, text, url);
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

    // A private controller lets the client itself stop a runaway stream (output too large).
    const own = new AbortController();
    const signal = AbortSignal.any([request.signal, own.signal]);
    const startedAt = this.now();
    const state = new StreamState(isChat, this.now, request.maxTokens, request.onDelta);
    try {
      const res = await this.fetch(url, {
        method: 'POST',
        headers: this.headers(true),
        body: JSON.stringify(body),
        signal,
      });
      if (!res.ok) throw httpError(res.status, await res.text(), url);
      if (!res.body) throw new RuntimeError('The runtime answered without a body.', 'failed');
      const parser = new SseParser((e) => state.onData(e.data));
      const reader = res.body.getReader();
      for (;;) {
        // Before the first token the request may wait in vLLM's queue; after it, silence is a stall.
        const { done, value } = await this.read(reader, state.firstTokenAt !== null);
        if (done) break;
        parser.push(value);
        if (state.runaway) {
          throw new RuntimeError(
            `The runtime kept generating past max_tokens (${request.maxTokens}); the node stopped reading and closed the stream.`,
            'failed',
            'runaway',
          );
        }
        if (state.text.length > MAX_OUTPUT_CHARS) {
          throw new RuntimeError(
            `The output grew beyond ${MAX_OUTPUT_CHARS} characters; the node stopped reading it.`,
            'failed',
          );
        }
        if (state.done) break;
      }
      if (!state.done) parser.end();
      // After [DONE] vLLM ends the response: one more read sees the end. Only a server that
      // keeps sending is cancelled (a cancel on every job costs an AbortError with its stack).
      if (state.done && !signal.aborted)
        void reader.read().then(
          (r) => (r.done ? undefined : reader.cancel().catch(() => undefined)),
          () => undefined,
        );
    } catch (err) {
      own.abort(); // on any failure the stream must be closed, or vLLM keeps generating
      if (err instanceof RuntimeError) throw err;
      if (request.signal.aborted || isAbortError(err)) {
        throw new RuntimeError('The request was cancelled and its stream closed.', 'cancelled');
      }
      throw transportError(err, url);
    }
    return state.finish(startedAt, this.now());
  }

  /** One read of the stream; with `watch`, silence longer than the stall timeout fails it. */
  private read(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    watch: boolean,
  ): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (!watch) return reader.read();
    const clock = this.options.clock ?? systemClock;
    const ms = this.options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        reject(
          new RuntimeError(
            `The runtime sent nothing for ${Math.round(ms / 1000)} s in the middle of an answer (stalled); the node closed the stream.`,
            'failed',
            'stalled',
          ),
        );
      }, ms);
      reader.read().then(
        (r) => {
          clock.clearTimeout(timer);
          resolve(r);
        },
        (err: unknown) => {
          clock.clearTimeout(timer);
          reject(err as Error);
        },
      );
    });
  }
}

/** Accumulates the chunks of one streamed answer. */
class StreamState {
  text = '';
  done = false;
  /** A content chunk came after max_tokens of them without a finish: the runtime ran away. */
  runaway = false;
  private finishReason: string | null = null;
  private usage: StreamChunk['usage'] = null;
  private firstToken: number | null = null;
  private chunks = 0;

  constructor(
    private readonly isChat: boolean,
    private readonly now: () => number,
    private readonly maxTokens: number,
    private readonly onDelta?: (text: string) => void,
  ) {}

  get firstTokenAt(): number | null {
    return this.firstToken;
  }

  onData(data: string): void {
    if (this.runaway) return;
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    let chunk: StreamChunk;
    try {
      chunk = JSON.parse(data) as StreamChunk;
    } catch {
      throw new RuntimeError('The runtime sent a stream event that is not JSON.', 'failed');
    }
    if (chunk.error) {
      const message = typeof chunk.error === 'string' ? chunk.error : chunk.error.message;
      throw new RuntimeError(
        `The runtime failed while generating: ${message ?? 'unknown error'}`,
        'failed',
      );
    }
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = this.isChat ? choice.delta?.content : choice.text;
    if (delta) {
      // vLLM sends at least one token per content chunk: one chunk more than max_tokens is
      // generation the job did not ask for. It is not read (nor counted in usage).
      if (this.chunks >= this.maxTokens) {
        this.runaway = true;
        return;
      }
      if (this.firstToken === null) this.firstToken = this.now();
      this.chunks++;
      this.text += delta;
      this.onDelta?.(delta);
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  finish(startedAt: number, finishedAt: number): InferenceResult {
    if (this.finishReason === null) {
      throw new RuntimeError(
        'The runtime closed the stream before the answer was complete (no finish reason).',
        'failed',
      );
    }
    if (this.finishReason === 'abort') {
      throw new RuntimeError('The runtime aborted the request.', 'failed');
    }
    const reported = this.usage?.completion_tokens;
    if (reported !== undefined && reported > this.maxTokens) {
      throw new RuntimeError(
        `The runtime reports ${reported} completion tokens for max_tokens ${this.maxTokens}; the answer was not used.`,
        'failed',
        'runaway',
      );
    }
    return {
      text: this.text,
      finishReason: this.finishReason === 'length' ? 'length' : 'stop',
      usage: {
        prompt_tokens: this.usage?.prompt_tokens ?? 0,
        // Without usage (older servers) each content chunk is about one token.
        completion_tokens: this.usage?.completion_tokens ?? this.chunks,
      },
      startedAt,
      firstTokenAt: this.firstToken,
      finishedAt,
    };
  }
}
