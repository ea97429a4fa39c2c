import { Emitter, warnListenerErrors, type Event } from '../../base/event.js';
import type { Clock, TimerHandle } from '../../clock.js';
import type { Logger } from '../../logger.js';
import {
  GPU_QUERY_FIELDS,
  GPU_QUERY_FIELDS_LEGACY,
  isInvalidFieldError,
  parseGpuLine,
  queryArgs,
  type GpuReading,
} from './nvidia-smi-query.js';

/** The part of a ChildProcess the sampler uses. */
export interface ChildLike {
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  kill(signal?: NodeJS.Signals): boolean;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

export type SpawnFn = (file: string, args: string[]) => ChildLike;

export interface GpuSample extends GpuReading {
  ts: number;
}

export interface GpuSamplerOptions {
  nvidiaSmi: string;
  spawn: SpawnFn;
  clock: Clock;
  logger: Logger;
  /** Sampling period handed to nvidia-smi's `-lms`. */
  intervalMs?: number;
  /** Start with the field list old drivers accept (the probe tells). */
  legacyFields?: boolean;
  restartBaseMs?: number;
  restartMaxMs?: number;
  /** A process that lived this long resets the restart backoff. */
  healthyAfterMs?: number;
  historySize?: number;
}

/**
 * Samples every GPU from ONE long-lived `nvidia-smi -lms` process, parsing lines as they stream.
 * If the process dies it is started again with exponential backoff. Spawning a process per
 * sample costs ~50-100 ms of CPU each on Windows; the loop option costs almost nothing.
 */
export class GpuSampler {
  readonly #o: Required<Omit<GpuSamplerOptions, 'legacyFields'>>;
  #fields: readonly string[];
  #child: ChildLike | null = null;
  #running = false;
  #attempt = 0;
  #restartTimer: TimerHandle | null = null;
  #latest = new Map<number, GpuSample>();
  #history: GpuSample[] = [];
  readonly #sampled: Emitter<GpuSample>;
  /** Fires for every sample of every GPU. */
  readonly onSample: Event<GpuSample>;
  #restarts = 0;

  constructor(opts: GpuSamplerOptions) {
    this.#o = {
      intervalMs: 1000,
      restartBaseMs: 1000,
      restartMaxMs: 60_000,
      healthyAfterMs: 30_000,
      historySize: 600,
      ...opts,
    };
    this.#fields = opts.legacyFields ? GPU_QUERY_FIELDS_LEGACY : GPU_QUERY_FIELDS;
    this.#sampled = new Emitter({ onListenerError: warnListenerErrors(opts.logger, 'GPU sample') });
    this.onSample = this.#sampled.event;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#spawn();
  }

  stop(): void {
    this.#running = false;
    if (this.#restartTimer !== null) this.#o.clock.clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    this.#child?.kill('SIGTERM');
    this.#child = null;
  }

  /** The most recent sample of each GPU, by index. */
  latest(): GpuSample[] {
    return [...this.#latest.values()].sort((a, b) => a.index - b.index);
  }

  /** Recent samples of all GPUs, oldest first (bounded). */
  history(): GpuSample[] {
    return [...this.#history];
  }

  /** How many times the nvidia-smi process was started again after dying. */
  get restarts(): number {
    return this.#restarts;
  }

  #spawn(): void {
    const args = [...queryArgs(this.#fields), `-lms`, String(this.#o.intervalMs)];
    const startedAt = this.#o.clock.now();
    let child: ChildLike;
    try {
      child = this.#o.spawn(this.#o.nvidiaSmi, args);
    } catch (err) {
      this.#o.logger.warn('Could not start nvidia-smi for GPU sampling', { error: String(err) });
      this.#scheduleRestart(startedAt);
      return;
    }
    this.#child = child;
    let buffer = '';
    let sawInvalidField = false;
    child.stdout?.on('data', (chunk: Buffer | string) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (isInvalidFieldError(line)) sawInvalidField = true;
        else this.#onLine(line);
      }
    });
    child.stderr?.on('data', (chunk: Buffer | string) => {
      if (isInvalidFieldError(chunk.toString())) sawInvalidField = true;
    });
    let settled = false;
    const onEnd = (why: string) => {
      if (settled) return;
      settled = true;
      if (this.#child === child) this.#child = null;
      if (!this.#running) return;
      if (sawInvalidField && this.#fields !== GPU_QUERY_FIELDS_LEGACY) {
        this.#o.logger.info('This NVIDIA driver does not know compute_cap; sampling without it');
        this.#fields = GPU_QUERY_FIELDS_LEGACY;
        this.#spawn();
        return;
      }
      this.#o.logger.warn(`GPU sampling stopped (${why}); starting nvidia-smi again`);
      this.#scheduleRestart(startedAt);
    };
    child.on('exit', (code, signal) => onEnd(signal ? `signal ${signal}` : `exit code ${code}`));
    child.on('error', (err) => onEnd(err.message));
  }

  #scheduleRestart(startedAt: number): void {
    if (this.#o.clock.now() - startedAt >= this.#o.healthyAfterMs) this.#attempt = 0;
    const delay = Math.min(this.#o.restartMaxMs, this.#o.restartBaseMs * 2 ** this.#attempt);
    this.#attempt++;
    this.#restartTimer = this.#o.clock.setTimeout(() => {
      this.#restartTimer = null;
      if (!this.#running) return;
      this.#restarts++;
      this.#spawn();
    }, delay);
  }

  #onLine(line: string): void {
    const reading = parseGpuLine(line.replace(/\r$/, ''), this.#fields);
    if (!reading) return;
    const sample: GpuSample = { ...reading, ts: this.#o.clock.now() };
    this.#latest.set(sample.index, sample);
    this.#history.push(sample);
    if (this.#history.length > this.#o.historySize) this.#history.shift();
    this.#sampled.fire(sample);
  }
}
