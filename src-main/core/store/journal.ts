import type { Job, JobResultBody } from '../protocol/schemas/ws.js';

/**
 * The life of a job on the node, recorded BEFORE the node acts on each step:
 * received → accepted | rejected → running → result_ready (with the result body) → acked.
 * `rejected` and `acked` are finished; the rest are open and survive a restart. `running` only
 * informs (resume treats it like `accepted`): it is written as the runtime call starts, unawaited.
 */
export type JournalState =
  'received' | 'accepted' | 'rejected' | 'running' | 'result_ready' | 'acked';

export const FINISHED_STATES: readonly JournalState[] = ['rejected', 'acked'];

/**
 * How long a finished record is kept for recognising a repeated assignment (the job engine's
 * default retention): older ones are pruned, and not loaded again when the journal is reopened.
 */
export const FINISHED_RETENTION_MS = 60_000;

/**
 * How a finished job ended on this node, as data (never read out of `detail`, whose text can
 * come from the network):
 * - `refused`: this node answered `job_reject`;
 * - `completed`: the network acknowledged a completed result (`accepted` or `duplicate`);
 * - `failed`: the network acknowledged a failed attempt (error, interrupted, cancelled);
 * - `result_rejected`: the network acknowledged the result as `rejected`.
 */
export const JOB_OUTCOMES = ['refused', 'completed', 'failed', 'result_rejected'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

export interface JournalRecord {
  jobId: string;
  state: JournalState;
  /** The assignment as received (dropped once the job is finished, to keep the file small). */
  job: Job | null;
  /** Digest of the snapshot applied when the job arrived. */
  configDigest: string | null;
  receivedAt: number;
  deadlineAt: number;
  updatedAt: number;
  /** The result as sent (set at result_ready; dropped once acknowledged). */
  result: JobResultBody | null;
  /** Which run of this job on this node: 1, then +1 each time the network hands it back after it finished here. */
  attempt: number;
  /** Set when the job finishes; null while open, and in records written before outcomes were typed. */
  outcome: JobOutcome | null;
  /** Free text for people (reject reason, the network's ack reason); never decides anything. */
  detail: string | null;
}

/**
 * Durable job journal. Writes are queued and committed together (group commit); each write's
 * promise resolves once it is durable, so callers `await` before they send anything that
 * depends on it. Reads see every write queued so far.
 */
export interface JobJournal {
  /**
   * A new assignment. `attempt` (default 1) must be higher than the attempt of a record already
   * kept for this job id, which it then replaces (the network handed a finished job back).
   */
  received(
    job: Job,
    receivedAt: number,
    configDigest: string | null,
    attempt?: number,
  ): Promise<void>;
  /** A step without a payload. Refusing (rejected) finishes the record with outcome `refused`. */
  transition(
    jobId: string,
    state: 'accepted' | 'rejected' | 'running',
    at: number,
    detail?: string,
  ): Promise<void>;
  /** The network acknowledged the result: finishes the record and drops its payloads. */
  acked(jobId: string, outcome: JobOutcome, at: number, detail?: string): Promise<void>;
  resultReady(jobId: string, result: JobResultBody, at: number): Promise<void>;
  remove(jobIds: readonly string[]): Promise<void>;
  /** True if the journal knows this job id (in any state). */
  has(jobId: string): boolean;
  get(jobId: string): JournalRecord | undefined;
  /** Jobs that are not finished, oldest first. */
  openRecords(): JournalRecord[];
  /** Deletes finished records last updated before `before`. Returns how many. */
  pruneFinished(before: number): number;
  /** Deletes finished records of snapshots other than `digest` (open ones are kept). */
  deleteFinishedOutside(digest: string): number;
  /** Commits everything queued now. */
  flush(): Promise<void>;
  /** Commits what is queued and closes the store (later writes reject). */
  close(): Promise<void>;
}
