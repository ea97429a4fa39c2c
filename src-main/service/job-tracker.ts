import type { JobDto } from '../contract/index.js';
import type { JobEvent } from '../core/jobs/job-engine-api.js';

/** The most recent jobs by id (insertion order = first seen), bounded. */
export class JobTracker {
  private readonly jobs = new Map<string, JobDto>();

  constructor(private readonly capacity = 200) {}

  /** Applies one job event and returns the job as the UI should now show it. */
  apply(event: JobEvent): JobDto {
    const before = this.jobs.get(event.jobId);
    const job: JobDto = {
      jobId: event.jobId,
      model: event.model || before?.model || '',
      state: event.kind,
      promptTokens: event.promptTokens ?? before?.promptTokens ?? 0,
      completionTokens: event.completionTokens ?? before?.completionTokens ?? 0,
      durationMs: event.durationMs ?? before?.durationMs ?? null,
      tokensPerSecond: event.tokensPerSecond ?? before?.tokensPerSecond ?? null,
      outcome: describeOutcome(event) ?? before?.outcome ?? '',
      updatedAt: event.at,
      test: event.test ?? before?.test ?? false,
    };
    // An acked job keeps its final run state visible through `outcome`.
    if (event.kind === 'acked' && before && before.state === 'failed') job.state = 'failed';
    this.jobs.delete(event.jobId);
    this.jobs.set(event.jobId, job);
    while (this.jobs.size > this.capacity) {
      const oldest = this.jobs.keys().next().value;
      if (oldest === undefined) break;
      this.jobs.delete(oldest);
    }
    return job;
  }

  /** Newest first. */
  recent(): JobDto[] {
    return [...this.jobs.values()].reverse();
  }
}

function describeOutcome(event: JobEvent): string | undefined {
  if (event.kind === 'acked') {
    const outcome = event.outcome ?? 'accepted';
    return event.detail ? `network ${outcome}: ${event.detail}` : `network ${outcome}`;
  }
  return event.detail;
}
