import type { JobResultBody } from '../protocol/schemas/ws.js';
import type { JournalRecord } from '../store/journal.js';
import { buildResult } from './job-result.js';

export interface ResumePlan {
  /** Results not yet acknowledged, still inside their TTL: re-send on link up. */
  resend: JournalRecord[];
  /** Accepted jobs whose deadline and TTL are ahead: run them again. */
  rerun: JournalRecord[];
  /** Accepted jobs that can no longer finish in time: report them failed. */
  fail: JournalRecord[];
  /** Expired records, and assignments never answered (the network has reassigned them). */
  drop: JournalRecord[];
}

/**
 * Decides, after a restart, what becomes of each open journal record. A job is kept at most
 * `jobTtlMs` after it was received (the snapshot's `ttl.job_ttl_ms`).
 */
export function planResume(
  records: readonly JournalRecord[],
  now: number,
  jobTtlMs: number,
  canRun: boolean,
): ResumePlan {
  const plan: ResumePlan = { resend: [], rerun: [], fail: [], drop: [] };
  for (const rec of records) {
    const expired = now >= rec.receivedAt + jobTtlMs;
    if (expired || rec.state === 'received') {
      plan.drop.push(rec);
    } else if (rec.state === 'result_ready') {
      (rec.result ? plan.resend : plan.drop).push(rec);
    } else if (rec.state === 'accepted' || rec.state === 'running') {
      if (rec.job && canRun && now < rec.deadlineAt) plan.rerun.push(rec);
      else plan.fail.push(rec);
    }
  }
  return plan;
}

/** The failed result reported for a job the node could not finish because it stopped. */
export function interruptedResult(
  rec: JournalRecord,
  now: number,
  configDigest: string | null,
): JobResultBody {
  return buildResult({
    jobId: rec.jobId,
    model: rec.job?.model ?? 'unknown',
    configDigest,
    output: '',
    usage: { prompt_tokens: 0, completion_tokens: 0 },
    receivedAt: rec.receivedAt,
    startedAt: null,
    firstTokenAt: null,
    finishedAt: now,
    finishReason: 'error',
    error: {
      code: 'interrupted',
      message:
        'The node stopped while running this job and could not finish it in time after restarting.',
    },
  });
}
