import { randomBytes } from 'node:crypto';
import { monotonicClock, type EngineClock } from './clock.js';
import type { StartupFaults } from './faults.js';

export const SIM_VLLM_VERSION = '0.11.0';

export interface SimRuntimeOptions {
  /** Model path or Hugging Face id (vLLM's --model). */
  model?: string;
  /** Name clients must send as `model` (vLLM's --served-model-name); defaults to `model`. */
  servedModelName?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Bearer key for /v1/*. Absent: a random key is made up; null: no authentication. */
  apiKey?: string | null;
  maxNumSeqs?: number;
  maxModelLen?: number;
  /** Accepted and reported like vLLM's flag; it does not change the simulation. */
  gpuMemoryUtilization?: number;
  /** KV cache size in 16-token blocks (vLLM's --num-gpu-blocks-override). */
  numGpuBlocks?: number;
  ttftMs?: number;
  /** Per sequence; 0 answers at once. */
  tokensPerSecond?: number;
  /** How long /health answers 503 before the model is "loaded". */
  warmupMs?: number;
  /** Sampling seed for requests that bring none (else one is derived from the prompt). */
  seed?: number;
  /** Enables POST /_sim/fault for callers holding this token. */
  controlToken?: string;
  faults?: StartupFaults;
  /** Shortest scheduler step, in ms. */
  tickMs?: number;
  clock?: EngineClock;
  /** Receives vLLM-style log lines; silent when absent. */
  log?: (line: string) => void;
  /** Log every request like uvicorn's access log. */
  accessLog?: boolean;
  /** Called when the engine can no longer serve, with the exit code vLLM would end with. */
  onFatal?: (exitCode: number, reason: 'crash' | 'oom-at-start') => void;
}

export type ResolvedOptions = Required<
  Omit<SimRuntimeOptions, 'seed' | 'controlToken' | 'apiKey' | 'onFatal'>
> &
  Pick<SimRuntimeOptions, 'seed' | 'controlToken' | 'onFatal'> & { apiKey: string | null };

export function resolveOptions(o: SimRuntimeOptions): ResolvedOptions {
  const model = o.model ?? 'Qwen/Qwen3-0.6B';
  const resolved: ResolvedOptions = {
    model,
    servedModelName: o.servedModelName ?? model,
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    apiKey: o.apiKey === undefined ? randomBytes(24).toString('base64url') : o.apiKey,
    maxNumSeqs: o.maxNumSeqs ?? 256,
    maxModelLen: o.maxModelLen ?? 4096,
    gpuMemoryUtilization: o.gpuMemoryUtilization ?? 0.9,
    numGpuBlocks: o.numGpuBlocks ?? 8192,
    ttftMs: o.ttftMs ?? 50,
    tokensPerSecond: o.tokensPerSecond ?? 50,
    warmupMs: o.warmupMs ?? 0,
    seed: o.seed,
    controlToken: o.controlToken,
    faults: o.faults ?? {},
    tickMs: o.tickMs ?? 5,
    clock: o.clock ?? monotonicClock,
    log: o.log ?? (() => {}),
    accessLog: o.accessLog ?? false,
    onFatal: o.onFatal,
  };
  const positive = ['maxNumSeqs', 'maxModelLen', 'numGpuBlocks'] as const;
  for (const key of positive) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new RangeError(`${key} must be a positive integer, got ${resolved[key]}`);
    }
  }
  const nonNegative = ['ttftMs', 'tokensPerSecond', 'warmupMs', 'tickMs', 'port'] as const;
  for (const key of nonNegative) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) {
      throw new RangeError(`${key} must be a non-negative number, got ${resolved[key]}`);
    }
  }
  if (!(resolved.gpuMemoryUtilization > 0 && resolved.gpuMemoryUtilization <= 1)) {
    throw new RangeError(
      `gpuMemoryUtilization must be in (0, 1], got ${resolved.gpuMemoryUtilization}`,
    );
  }
  return resolved;
}
