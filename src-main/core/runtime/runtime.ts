import type { Event } from '../base/event.js';
import type { ChatMessage } from '../protocol/schemas/ws.js';
import type { z } from 'zod';
import type { DiskUsage } from './models/model-disk.js';
import type { ModelState } from './models/model-store.js';

/** What the runtime should serve, derived from the applied config snapshot. */
export interface RuntimePlan {
  /** Hugging Face repo id and pinned revision of the model to load. */
  model: {
    name: string;
    servedName: string;
    revision: string;
    maxModelLen: number;
    /** The snapshot's min_vram_mb: checked against the GPUs before a start. */
    minVramMb?: number;
  };
  /** Runtime image pinned by digest (ignored by runtimes that are not containers). */
  image: { repository: string; tag: string; digest: string } | null;
  maxNumSeqs: number;
  gpuMemoryHeadroomMb: number;
  /** The operator's cap on jobs at once over all of the node's runtime containers. */
  jobsCap?: number;
}

export type RuntimeState = 'stopped' | 'starting' | 'loading' | 'ready' | 'unhealthy' | 'failed';

export interface RuntimeStatus {
  kind: string;
  state: RuntimeState;
  /** Plain words for the operator: what is happening and, when failing, what to do. */
  detail: string;
  version: string | null;
  servedModels: string[];
  /** True for the devnet's simulated runtime: never allowed on testnet or mainnet. */
  simulated: boolean;
  /** The raw error behind a failure (what the driver or Docker said), for a details view. */
  cause?: string;
}

export interface RuntimeMetrics {
  running: number | null;
  waiting: number | null;
  kvCacheUsage: number | null;
  timeToFirstTokenSeconds: number | null;
  generationTokensTotal: number | null;
}

export interface InferenceRequest {
  jobId: string;
  model: string;
  kind: 'chat' | 'completion';
  messages?: z.infer<typeof ChatMessage>[];
  prompt?: string;
  maxTokens: number;
  temperature?: number;
  seed?: number;
  /** Aborting closes the stream, which cancels the request inside vLLM. */
  signal: AbortSignal;
  /** Called with each text delta as it streams. */
  onDelta?: (text: string) => void;
}

export interface InferenceResult {
  text: string;
  finishReason: 'stop' | 'length';
  usage: { prompt_tokens: number; completion_tokens: number };
  startedAt: number;
  firstTokenAt: number | null;
  finishedAt: number;
}

/**
 * A stream fault that says the runtime itself is unwell (counted against its health):
 * `refused` nothing listens; `runaway` it kept generating past max_tokens; `stalled` it went
 * silent mid-answer.
 */
export type StreamFault = 'refused' | 'runaway' | 'stalled';

/** Error from the runtime, with whether retrying on another attempt may help. */
export class RuntimeError extends Error {
  constructor(
    message: string,
    readonly code: 'unavailable' | 'bad_request' | 'timeout' | 'cancelled' | 'failed',
    readonly fault: StreamFault | null = null,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/**
 * An inference engine the agent drives: an external OpenAI-compatible endpoint, the devnet's
 * simulated runtime, or the Docker vLLM container. Implementations never see key material.
 */
export interface Runtime {
  readonly kind: string;
  /** The container engine's version, for a runtime that runs in one (reported to the network). */
  readonly dockerVersion?: string | null;
  /**
   * Jobs it can serve at once now, when it knows better than the plan (the sum of the shares
   * of its ready containers, one per GPU); absent: the plan's max_num_seqs.
   */
  capacity?(): number | null;
  /** Brings the runtime to serve `plan` (idempotent; a changed plan reloads). */
  apply(plan: RuntimePlan): Promise<void>;
  /**
   * Refuses a plan this runtime cannot run (an image it does not allow, no GPU) before the
   * node downloads anything for it; absent: every plan may be tried.
   */
  precheck?(plan: RuntimePlan): Promise<void>;
  /**
   * Downloads what `plan` needs (its runtime image) while the current plan keeps serving, so a
   * switch later only restarts; absent: nothing to download ahead (not a container runtime).
   */
  prefetch?(plan: RuntimePlan, signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  status(): RuntimeStatus;
  /** Reads the runtime's /metrics; nulls where unknown. */
  metrics(): Promise<RuntimeMetrics>;
  infer(request: InferenceRequest): Promise<InferenceResult>;
  /** Fires on every status change; dispose the subscription to stop listening. */
  readonly onStatus: Event<RuntimeStatus>;
  /** The model files the node downloaded and hash-checked; absent when it does not manage them. */
  readonly models?: ModelInventory;
}

/** The node's verified model files, as the UI and heartbeats read them. */
export interface ModelInventory {
  readonly onChange: Event<void>;
  /** Every approved model's state; `active` = the served names the runtime serves now. */
  states(active: readonly string[]): Promise<ModelState[]>;
  /** Approved models whose every file passed its SHA-256 check. */
  installed(): { name: string; revision: string }[];
  usage(): Promise<DiskUsage>;
}
