import type { Job, JobResultBody } from '../protocol/schemas/ws.js';

/**
 * The life of a job on the node, recorded BEFORE the node acts on each step:
 * received → accepted | rejected → running → result_ready (with the result body) → acked.
 * `rejected` and `acked` are finished; the rest are open and survive a restart.
 */
export type JournalState =
  'received' | 'accepted' | 'rejected' | 'running' | 'result_ready' | 'acked';

export const FINISHED_STATES: readonly JournalState[] = ['rejected', 'acked'];

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
  /** Reject reason, or the ack outcome. */
  detail: string | null;
}

/**
 * Durable job journal. Writes are queued and committed together (group commit); each write's
 * promise resolves once it is durable, so callers `await` before they send anything that
 * depends on it. Reads see every write queued so far.
 */
export interface JobJournal {
  received(job: Job, receivedAt: number, configDigest: string | null): Promise<void>;
  /** A step without a payload. Finishing steps (rejected, acked) drop the stored payloads. */
  transition(
    jobId: string,
    state: 'accepted' | 'rejected' | 'running' | 'acked',
    at: number,
    detail?: string,
  ): Promise<void>;
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
