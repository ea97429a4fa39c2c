import type { Event } from '../base/event.js';
import type { ConfigSnapshot } from '../protocol/schemas/snapshot.js';
import type { Job, NodeMessageBody, NodeMessageType } from '../protocol/schemas/ws.js';

/** What happened to a job, for the UI and the local log. */
export type JobEventKind =
  'received' | 'accepted' | 'rejected' | 'running' | 'completed' | 'failed' | 'acked';

export interface JobEvent {
  kind: JobEventKind;
  jobId: string;
  model: string;
  at: number;
  test?: boolean;
  /** Reject reason, failure code, or ack outcome, in plain words. */
  detail?: string;
  promptTokens?: number;
  completionTokens?: number;
  durationMs?: number;
  /** From the runtime's start on the job to its result (absent when it never started). */
  runtimeMs?: number;
  tokensPerSecond?: number;
  /** Time to first token, from the runtime's start on the job. */
  ttftMs?: number;
  /** For `acked`: accepted | duplicate | rejected. */
  outcome?: 'accepted' | 'duplicate' | 'rejected';
}

/**
 * Sends one node → network message on the signed WebSocket link; it returns
 * false (or throws) when the link is down — a result then stays in the journal and is re-sent by
 * `onLinkUp`.
 */
export type JobSend = <T extends NodeMessageType>(
  type: T,
  body: NodeMessageBody<T>,
) => boolean | Promise<boolean>;

/** The job link as the engine sees it: the composition hands the same holder to the agent. */
export interface NodeMessageSender {
  send: JobSend;
}

export interface JobEngineApi {
  /** Validate → accept/reject → run → result. */
  handleAssign(job: Job): void;
  /** A job_assign that failed the schema but names its job: refused as `invalid_job`. */
  handleInvalidAssign(jobId: string, detail: string): void;
  handleCancel(jobId: string, reason: string): void;
  handleAck(jobId: string, outcome: 'accepted' | 'duplicate' | 'rejected', reason?: string): void;
  /** Re-sends unacknowledged results from the journal. */
  onLinkUp(): Promise<void>;
  /** Limits, participation, model list. */
  setConfig(config: ConfigSnapshot, digest: string): void;
  /** Deletes job traces of older snapshots (keeps unacknowledged results). */
  onConfigApplied(digest: string): Promise<void>;
  /** After a restart: resume, report or drop each journaled job per its TTL. */
  resume(): Promise<void>;
  /** Stops accepting; waits for in-flight jobs (at most `timeoutMs`). */
  drain(timeoutMs: number): Promise<void>;
  /** Accepts jobs again after a drain (the network's pause is over). */
  undrain(): void;
  /**
   * Stops the jobs still running (after a pause's grace) with a failed `handed_back` result, so
   * the network gives them to another node; resolves once none is in flight (or `timeoutMs`).
   */
  handBack(reason: string, timeoutMs: number): Promise<void>;
  counters(): { in_flight: number; completed_total: number; failed_total: number };
  /** Job updates for the UI; dispose the subscription to stop listening. */
  readonly onEvent: Event<JobEvent>;
}
