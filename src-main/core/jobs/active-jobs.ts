import { Emitter } from '../base/event.js';
import type { Clock } from '../clock.js';
import type { Job } from '../protocol/schemas/ws.js';
import type { StopCause } from './job-runner.js';

/** An accepted job until its result is durable: what counts against max_queue_size. */
export interface ActiveJob {
  job: Job;
  receivedAt: number;
  /** Aborting it closes the runtime stream; `stop.cause` says why. */
  controller: AbortController;
  stop: { cause: StopCause | null };
  /**
   * True once the job's accept is durable in the journal (and job_accept sent); false if the
   * journal refused it (the job was refused instead). The runtime call starts without waiting;
   * partials and the result wait for it.
   */
  recorded: Promise<boolean>;
}

export function newActiveJob(job: Job, receivedAt: number): ActiveJob {
  return {
    job,
    receivedAt,
    controller: new AbortController(),
    stop: { cause: null },
    recorded: Promise.resolve(true),
  };
}

/** The jobs in flight, and waiting until there are none (drain, shutdown). */
export class ActiveJobs {
  private readonly jobs = new Map<string, ActiveJob>();
  /** Fires when the last job in flight is removed. */
  private readonly becameIdle = new Emitter<void>();

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.jobs.size;
  }

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  get(jobId: string): ActiveJob | undefined {
    return this.jobs.get(jobId);
  }

  add(entry: ActiveJob): void {
    this.jobs.set(entry.job.job_id, entry);
  }

  remove(jobId: string): void {
    if (!this.jobs.delete(jobId)) return;
    if (this.jobs.size === 0) this.becameIdle.fire();
  }

  /** Stops every running job for `cause` (their streams close). */
  stopAll(cause: StopCause): void {
    for (const entry of this.jobs.values()) {
      entry.stop.cause ??= cause;
      entry.controller.abort();
    }
  }

  /** Resolves once no job is in flight, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.jobs.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        sub.dispose();
        this.clock.clearTimeout(timer);
        resolve();
      };
      const timer = this.clock.setTimeout(done, timeoutMs);
      const sub = this.becameIdle.event(done);
    });
  }
}
