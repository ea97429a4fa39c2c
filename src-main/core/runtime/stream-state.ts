import type { InferenceResult } from './runtime.js';
import { RuntimeError } from './runtime.js';

interface StreamChunk {
  error?: { message?: string } | string;
  choices?: Array<{
    delta?: { content?: string | null };
    text?: string | null;
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/** Accumulates the chunks of one streamed answer. */
export class StreamState {
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
