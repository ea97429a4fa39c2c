import { Emitter } from '../../../../src-main/core/base/event.js';
import { surfaceListenerErrors } from '../../../helpers/listener-errors.js';
import type { JobEngineApi, JobEvent } from '../../../../src-main/core/jobs/job-engine-api.js';
import type { ConfigSnapshot, Job } from '../../../../src-main/core/protocol/index.js';

/** Records what the agent asks of the job engine. */
export class FakeJobEngine implements JobEngineApi {
  readonly calls: string[] = [];
  readonly assigned: Job[] = [];
  readonly configs: { serial: number; digest: string }[] = [];
  readonly appliedDigests: string[] = [];
  inFlight = 0;
  private readonly events = new Emitter<JobEvent>(surfaceListenerErrors);
  readonly onEvent = this.events.event;

  handleAssign(job: Job): void {
    this.calls.push(`assign:${job.job_id}`);
    this.assigned.push(job);
  }
  handleInvalidAssign(jobId: string): void {
    this.calls.push(`invalid:${jobId}`);
  }
  handleCancel(jobId: string): void {
    this.calls.push(`cancel:${jobId}`);
  }
  handleAck(jobId: string, outcome: string): void {
    this.calls.push(`ack:${jobId}:${outcome}`);
  }
  async onLinkUp(): Promise<void> {
    this.calls.push('linkUp');
  }
  setConfig(config: ConfigSnapshot, digest: string): void {
    this.configs.push({ serial: config.serial, digest });
  }
  async onConfigApplied(digest: string): Promise<void> {
    this.appliedDigests.push(digest);
  }
  async resume(): Promise<void> {
    this.calls.push('resume');
  }
  async drain(timeoutMs: number): Promise<void> {
    this.calls.push(`drain:${timeoutMs}`);
    this.inFlight = 0;
  }
  undrain(): void {
    this.calls.push('undrain');
  }
  async handBack(reason: string): Promise<void> {
    this.calls.push(`handBack:${reason}`);
    this.inFlight = 0;
  }
  counters() {
    return { in_flight: this.inFlight, completed_total: 7, failed_total: 1 };
  }
}
