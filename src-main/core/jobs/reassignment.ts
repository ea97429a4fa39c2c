import type { Logger } from '../logger.js';
import type { JobOutcome, JournalRecord } from '../store/journal.js';

/**
 * What a `job_assign` means for a job id this node may have seen before (docs/PROTOCOL.md,
 * "Duplicate assignments"). The network is authoritative over what is still to be done:
 * - `new`: never seen here (or its record was pruned): attempt 1;
 * - `held`: a duplicate — the node still holds the job (running, or its result awaits an
 *   acknowledgement): accepted again, never run twice, a pending result is sent again;
 * - `again`: a re-assignment — the job finished here (refused, or its result acknowledged,
 *   even a completed one the network then lost) and is handed back: judged and run afresh as
 *   the next attempt.
 * Decided from typed fields only (state, attempt, outcome); `detail` is free text that the
 * network partly writes, and never decides anything.
 */
export type Assignment =
  | { kind: 'new'; attempt: 1 }
  | { kind: 'held' }
  | { kind: 'again'; attempt: number; previous: JobOutcome | null };

/** `holding`: the job is running here or its result is waiting for an acknowledgement. */
export function classifyAssignment(
  record: JournalRecord | undefined,
  holding: boolean,
): Assignment {
  if (holding || (record?.state === 'result_ready' && record.result)) return { kind: 'held' };
  if (!record) return { kind: 'new', attempt: 1 };
  return { kind: 'again', attempt: record.attempt + 1, previous: record.outcome };
}

/** The journal outcome of an acknowledged result (the network's enum and the result's status). */
export function ackedOutcome(
  ack: 'accepted' | 'duplicate' | 'rejected',
  status: 'completed' | 'failed',
): JobOutcome {
  if (ack === 'rejected') return 'result_rejected';
  return status === 'failed' ? 'failed' : 'completed';
}

/** A finished job handed back is a new attempt (the network is authoritative): say so. */
export function logHandedBack(
  log: Logger,
  id: string,
  seen: Extract<Assignment, { kind: 'again' }>,
): void {
  const fields = { job_id: id, attempt: seen.attempt, previous: seen.previous };
  if (seen.previous === 'completed') {
    log.warn(
      `The network handed back job ${id} after acknowledging its completed result (it lost it): running it again as attempt ${seen.attempt}.`,
      fields,
    );
  } else {
    log.info(
      `The network handed back job ${id}, which this node no longer holds: judging it afresh as attempt ${seen.attempt}.`,
      fields,
    );
  }
}
