import type { TimerHandle } from '../../core/clock.js';
import type { Dispatcher, DispatcherDeps } from './dispatcher.js';
import { newJob, type JobRecord } from './job-record.js';
import type { NodeRecord } from './registry.js';
import { testTaskSpec } from './test-task-spec.js';

/**
 * Registration test tasks: one job with `test: true` for a connected pending_test node; a pass
 * makes the node active, a failure keeps it pending with the reason and schedules a retest.
 */
export class TestTasks {
  private readonly running = new Map<string, JobRecord>();
  private readonly retestTimers = new Map<string, TimerHandle>();

  constructor(
    private readonly d: DispatcherDeps,
    private readonly dispatcher: Dispatcher,
  ) {}

  close(): void {
    for (const t of this.retestTimers.values()) this.d.opts.clock.clearTimeout(t);
    this.retestTimers.clear();
  }

  sessionClosed(nodeKey: string): void {
    const t = this.retestTimers.get(nodeKey);
    if (t !== undefined) this.d.opts.clock.clearTimeout(t);
    this.retestTimers.delete(nodeKey);
  }

  passed(job: JobRecord, node: NodeRecord, durationMs: number | null): void {
    const key = node.nodeId.toLowerCase();
    this.dispatcher.complete(job, key, durationMs);
    this.running.delete(key);
    this.d.ledger.counters.tests_passed++;
    this.d.registry.setStatus(node, 'active', 'the test task passed');
    this.d.onStatusChange(node);
    this.d.opts.logger.info('node passed its test task', { node: node.nodeId });
    this.dispatcher.kick();
  }

  failed(job: JobRecord, nodeKey: string, detail: string): void {
    this.dispatcher.release(job);
    if (job.state !== 'failed') this.dispatcher.fail(job, `test task failed: ${detail}`);
    this.running.delete(nodeKey);
    this.d.ledger.counters.tests_failed++;
    const node = this.d.registry.get(nodeKey);
    if (!node || node.status !== 'pending_test') return;
    this.d.registry.setStatus(node, 'pending_test', `the test task failed: ${detail}`);
    this.d.onStatusChange(node);
    this.d.opts.logger.info('node failed its test task', { node: node.nodeId, detail });
    if (!this.dispatcher.links.has(nodeKey) || this.retestTimers.has(nodeKey)) return;
    const timer = this.d.opts.clock.setTimeout(() => {
      this.retestTimers.delete(nodeKey);
      this.start(node);
    }, this.d.opts.testRetryMs);
    this.retestTimers.set(nodeKey, timer);
  }

  /** Sends a new test task to a connected pending_test node at once. */
  retest(node: NodeRecord): void {
    this.sessionClosed(node.nodeId.toLowerCase());
    this.start(node);
  }

  start(node: NodeRecord): void {
    const key = node.nodeId.toLowerCase();
    const link = this.dispatcher.links.get(key);
    if (!link || !link.accepting || node.status !== 'pending_test') return;
    if (this.running.has(key) || this.retestTimers.has(key)) return;
    const snap = this.d.config.effective;
    const spec = testTaskSpec(snap);
    if (!spec) {
      this.d.registry.setStatus(node, 'pending_test', 'no approved model to run the test task on');
      return;
    }
    const now = this.d.opts.clock.now();
    const t = snap.jobs.execution_timeout_ms;
    const job = newJob(this.dispatcher.newJobId('test'), spec, true, now, t, now + t);
    this.running.set(key, job);
    this.d.ledger.add(job);
    this.d.ledger.counters.tests_assigned++;
    this.dispatcher.assign(job, link, now);
  }
}
