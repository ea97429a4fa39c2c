import type { TimerHandle } from '../../core/clock.js';
import type { EngineClock } from './clock.js';
import { Histogram, REQUEST_LATENCY_BUCKETS, TTFT_BUCKETS } from './histogram.js';
import type { FinishReason } from './simulate.js';

/**
 * The simulated engine core: continuous batching like vLLM's scheduler. At most `maxNumSeqs`
 * sequences run at once and the rest wait in arrival order. A running sequence emits its first
 * token `ttftMs` after it was admitted, then `tokensPerSecond` tokens a second. One timer drives
 * every sequence (several tokens may come out of one step), so thousands of tokens a second
 * cost a few hundred timer callbacks, not one each.
 */
export interface EngineOptions {
  maxNumSeqs: number;
  ttftMs: number;
  /** Tokens a second per sequence; 0 answers at once (no time to first token either). */
  tokensPerSecond: number;
  /** KV cache size in blocks of `BLOCK_SIZE` tokens (vLLM's num_gpu_blocks). */
  numGpuBlocks: number;
  /** Shortest time between two scheduler steps. */
  tickMs?: number;
}

export const BLOCK_SIZE = 16;

export interface EngineRequest {
  promptTokens: number;
  /** Tokens this sequence will generate (its completion_tokens). */
  outputTokens: number;
  finishReason: FinishReason;
}

/** Receives a sequence's progress. Called synchronously from the engine's step. */
export interface SequenceSink {
  /** Tokens with index in [from, to) are now generated. */
  onTokens(from: number, to: number): void;
  onFinish(): void;
  onError(error: Error): void;
}

export interface SequenceHandle {
  readonly id: number;
  /** Aborts the sequence (client went away): its slot is free at once. */
  cancel(): void;
}

/** What vLLM raises for every request once its engine core died. */
export class EngineDeadError extends Error {
  constructor(
    message = 'EngineCore encountered an issue. See stack trace (above) for the root cause.',
  ) {
    super(message);
    this.name = 'EngineDeadError';
  }
}

type FinishedReason = FinishReason | 'abort';

interface Sequence {
  id: number;
  req: EngineRequest;
  sink: SequenceSink;
  state: 'waiting' | 'running' | 'done';
  arrivalAt: number;
  firstTokenAt: number;
  emitted: number;
}

export interface EngineStats {
  running: number;
  waiting: number;
  /** Share of KV cache blocks held by running sequences, 0..1. */
  kvCacheUsage: number;
  promptTokens: number;
  generationTokens: number;
  finished: Record<FinishedReason, number>;
  ttft: Histogram;
  e2eLatency: Histogram;
  queueTime: Histogram;
  dead: boolean;
}

export class SimEngine {
  private readonly waiting = new Set<Sequence>();
  private readonly running = new Set<Sequence>();
  private readonly tickMs: number;
  private nextId = 1;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private lastTickAt = -Infinity;
  private pausedAt: number | undefined;
  private deadError: Error | undefined;
  private promptTokens = 0;
  private generationTokens = 0;
  private readonly finished: Record<FinishedReason, number> = { stop: 0, length: 0, abort: 0 };
  private readonly ttft = new Histogram(TTFT_BUCKETS);
  private readonly e2eLatency = new Histogram(REQUEST_LATENCY_BUCKETS);
  private readonly queueTime = new Histogram(REQUEST_LATENCY_BUCKETS);

  constructor(
    readonly options: EngineOptions,
    private readonly clock: EngineClock,
  ) {
    if (!Number.isInteger(options.maxNumSeqs) || options.maxNumSeqs < 1) {
      throw new RangeError(`maxNumSeqs must be a positive integer, got ${options.maxNumSeqs}`);
    }
    this.tickMs = options.tickMs ?? 5;
  }

  get instant(): boolean {
    return this.options.tokensPerSecond <= 0;
  }

  get dead(): boolean {
    return this.deadError !== undefined;
  }

  /** Queues a sequence. Throws EngineDeadError once the engine died. */
  submit(req: EngineRequest, sink: SequenceSink): SequenceHandle {
    if (this.deadError) throw this.deadError;
    const seq: Sequence = {
      id: this.nextId++,
      req,
      sink,
      state: 'waiting',
      arrivalAt: this.clock.now(),
      firstTokenAt: Infinity,
      emitted: 0,
    };
    this.waiting.add(seq);
    this.admit();
    this.schedule();
    return { id: seq.id, cancel: () => this.cancel(seq) };
  }

  /** The engine core dies: every queued and running sequence fails, new ones are refused. */
  crash(error: Error = new EngineDeadError()): void {
    if (this.deadError) return;
    this.deadError = error;
    this.clearTimer();
    const victims = [...this.running, ...this.waiting];
    this.running.clear();
    this.waiting.clear();
    for (const seq of victims) {
      seq.state = 'done';
      guard(() => seq.sink.onError(error));
    }
  }

  /** Stops every step (a hung GPU). `resume` picks up where it stopped. */
  pause(): void {
    if (this.pausedAt !== undefined) return;
    this.pausedAt = this.clock.now();
    this.clearTimer();
  }

  resume(): void {
    if (this.pausedAt === undefined) return;
    const stalled = this.clock.now() - this.pausedAt;
    this.pausedAt = undefined;
    for (const seq of this.running) seq.firstTokenAt += stalled;
    this.admit();
    this.schedule();
  }

  stats(): EngineStats {
    let blocks = 0;
    for (const seq of this.running) {
      blocks += Math.ceil((seq.req.promptTokens + seq.emitted) / BLOCK_SIZE);
    }
    return {
      running: this.running.size,
      waiting: this.waiting.size,
      kvCacheUsage: Math.min(1, blocks / this.options.numGpuBlocks),
      promptTokens: this.promptTokens,
      generationTokens: this.generationTokens,
      finished: { ...this.finished },
      ttft: this.ttft,
      e2eLatency: this.e2eLatency,
      queueTime: this.queueTime,
      dead: this.dead,
    };
  }

  close(): void {
    this.clearTimer();
  }

  private cancel(seq: Sequence): void {
    if (seq.state === 'done') return;
    const wasRunning = seq.state === 'running';
    seq.state = 'done';
    this.waiting.delete(seq);
    this.running.delete(seq);
    this.finished.abort++;
    if (wasRunning) {
      this.admit();
      this.schedule();
    }
  }

  private admit(): void {
    if (this.pausedAt !== undefined || this.deadError) return;
    while (this.running.size < this.options.maxNumSeqs && this.waiting.size > 0) {
      const seq = this.waiting.values().next().value as Sequence;
      this.waiting.delete(seq);
      const now = this.clock.now();
      seq.state = 'running';
      seq.firstTokenAt = now + (this.instant ? 0 : this.options.ttftMs);
      this.queueTime.observe((now - seq.arrivalAt) / 1000);
      this.running.add(seq);
      // Instant mode: the whole answer is there as soon as the sequence is admitted.
      if (this.instant) this.advance(seq, now);
    }
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.pausedAt !== undefined || this.deadError) return;
    const now = this.clock.now();
    this.lastTickAt = now;
    for (const seq of [...this.running]) this.advance(seq, now);
    this.admit();
    this.schedule();
  };

  private advance(seq: Sequence, now: number): void {
    if (seq.state !== 'running' || now < seq.firstTokenAt) return;
    const total = seq.req.outputTokens;
    const due = this.instant
      ? total
      : Math.min(
          total,
          1 + Math.floor(((now - seq.firstTokenAt) * this.options.tokensPerSecond) / 1000 + 1e-9),
        );
    if (due > seq.emitted) {
      if (seq.emitted === 0) {
        this.ttft.observe((now - seq.arrivalAt) / 1000);
        this.promptTokens += seq.req.promptTokens;
      }
      const from = seq.emitted;
      seq.emitted = due;
      this.generationTokens += due - from;
      guard(() => seq.sink.onTokens(from, due));
    }
    if (seq.state === 'running' && seq.emitted >= total) {
      seq.state = 'done';
      this.running.delete(seq);
      this.finished[seq.req.finishReason]++;
      this.e2eLatency.observe((now - seq.arrivalAt) / 1000);
      guard(() => seq.sink.onFinish());
    }
  }

  private schedule(): void {
    if (this.running.size === 0 || this.pausedAt !== undefined || this.deadError) {
      this.clearTimer();
      return;
    }
    const interval = this.instant ? 0 : 1000 / this.options.tokensPerSecond;
    let next = Infinity;
    for (const seq of this.running) {
      next = Math.min(next, seq.firstTokenAt + seq.emitted * interval);
    }
    const at = Math.max(next, this.lastTickAt + this.tickMs);
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = this.clock.setTimeout(this.tick, Math.max(0, at - this.clock.now()));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}

/** A failing sink must not break the step for the other sequences. */
function guard(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    console.error('sim-runtime: a request handler failed inside the engine step:', error);
  }
}
