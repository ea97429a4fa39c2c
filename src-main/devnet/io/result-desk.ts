import type { JobResultBody } from '../../core/protocol/schemas/ws.js';
import type { Dispatcher } from './dispatcher.js';
import { addEvent, isOpen, type JobRecord } from './job-record.js';
import type { JobLedger } from './ledger.js';
import type { NodeRegistry } from './registry.js';
import { resultProblem, testProblem } from './result-check.js';

export interface Ack {
  outcome: 'accepted' | 'duplicate' | 'rejected';
  reason?: string;
}

/**
 * Judges every (already signature-checked) job_result: at most one accepted result per job,
 * `duplicate` for the accepting node sending it again, `rejected` for late, foreign or invalid
 * results. A late result from a node the job was taken from is accepted while the job is open.
 */
export class ResultDesk {
  constructor(
    private readonly ledger: JobLedger,
    private readonly registry: NodeRegistry,
    private readonly dispatcher: Dispatcher,
    private readonly strictTestCheck: boolean,
  ) {}

  /** `receivedPerf`: performance.now() taken when the frame arrived. */
  judge(nodeKey: string, r: JobResultBody, receivedPerf: number): Ack {
    const c = this.ledger.counters;
    const nc = this.ledger.node(nodeKey);
    const job = this.ledger.get(r.job_id);
    if (!job) {
      c.unknown_results_rejected++;
      return { outcome: 'rejected', reason: `unknown job ${r.job_id}` };
    }
    const assignedHere = job.node === nodeKey;
    const takenFromHere = job.takenFrom.includes(nodeKey);
    if (job.state === 'completed') {
      if (job.completedBy === nodeKey) {
        c.duplicate_results_rejected++;
        nc.duplicate_results++;
        return { outcome: 'duplicate', reason: 'this result was already accepted' };
      }
      c.late_results_rejected++;
      nc.late_results++;
      return { outcome: 'rejected', reason: 'the job was completed by another node' };
    }
    if (job.state === 'failed') {
      if (job.cancelled && assignedHere && r.finish_reason === 'cancelled') {
        return { outcome: 'accepted', reason: 'cancellation acknowledged' };
      }
      c.late_results_rejected++;
      nc.late_results++;
      return { outcome: 'rejected', reason: `the job is closed: ${job.failReason}` };
    }
    if (!assignedHere && !takenFromHere) {
      c.unknown_results_rejected++;
      return { outcome: 'rejected', reason: 'the job is not assigned to this node' };
    }
    const durationMs =
      assignedHere && job.assignedPerf !== null ? receivedPerf - job.assignedPerf : null;
    return job.test
      ? this.judgeTest(job, nodeKey, r, durationMs)
      : this.judgeJob(job, nodeKey, r, durationMs, assignedHere);
  }

  private judgeJob(
    job: JobRecord,
    nodeKey: string,
    r: JobResultBody,
    durationMs: number | null,
    assignedHere: boolean,
  ): Ack {
    const c = this.ledger.counters;
    const nc = this.ledger.node(nodeKey);
    const problem = resultProblem(job, r);
    if (problem) {
      c.invalid_results_rejected++;
      nc.invalid_results++;
      if (assignedHere)
        this.dispatcher.takeAway(job, 'invalid_result', `invalid result: ${problem}`);
      else
        addEvent(job, {
          at: this.dispatcher.now,
          event: 'invalid_late_result',
          node: nodeKey,
          detail: problem,
        });
      return { outcome: 'rejected', reason: problem };
    }
    if (r.status === 'failed') {
      c.node_reported_failures++;
      nc.failed++;
      const why = `the node reported a failure (${r.finish_reason}): ${r.error?.message ?? 'no detail'}`;
      // A job handed back by an operator pause is not the node's fault (PROTOCOL.md).
      const atFault = r.error?.code !== 'handed_back';
      if (assignedHere) this.dispatcher.takeAway(job, 'node_failed', why, atFault);
      else
        addEvent(job, {
          at: this.dispatcher.now,
          event: 'late_failure',
          node: nodeKey,
          detail: why,
        });
      return { outcome: 'accepted' };
    }
    job.result = summarise(r);
    c.results_accepted++;
    nc.completed++;
    this.dispatcher.complete(job, nodeKey, durationMs);
    return { outcome: 'accepted' };
  }

  private judgeTest(
    job: JobRecord,
    nodeKey: string,
    r: JobResultBody,
    durationMs: number | null,
  ): Ack {
    const node = this.registry.get(nodeKey);
    if (!node || !isOpen(job)) return { outcome: 'rejected', reason: 'the test task is closed' };
    job.result = summarise(r);
    const problem = testProblem(job, r, this.strictTestCheck);
    if (problem) {
      this.dispatcher.tests.failed(job, nodeKey, problem);
      return { outcome: 'rejected', reason: `test task failed: ${problem}` };
    }
    this.dispatcher.tests.passed(job, node, durationMs);
    return { outcome: 'accepted' };
  }
}

function summarise(r: JobResultBody): JobRecord['result'] {
  return {
    status: r.status,
    finish_reason: r.finish_reason,
    output_hash: r.output_hash,
    output_chars: r.output.length,
    output_preview: r.output.slice(0, 200),
    usage: r.usage,
    timings: r.timings,
  };
}
