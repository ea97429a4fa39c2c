import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src-main/core/protocol/schemas/ws.js';
import { fastTimeouts, startTestDevnet, sleep } from './harness.js';
import { activeNode } from './node-client.js';

describe('devnet reassignment, duplicates and late results', () => {
  let devnet: Awaited<ReturnType<typeof startTestDevnet>>;
  beforeEach(async () => {
    devnet = await startTestDevnet({ deprioritizeMs: 60_000 });
    devnet.publishSnapshot({ merge: fastTimeouts({ accept: 200, exec: 600 }) });
  });
  afterEach(() => devnet.close());

  it('reassigns a job the node does not accept in time to a second node, and counts it', async () => {
    const a = await activeNode(devnet.url, devnet.wsUrl);
    const [id] = devnet.submitJobs(1);
    const first = (await a.session.next('job_assign')).job as Job; // A stays silent
    expect(first.job_id).toBe(id);
    const b = await activeNode(devnet.url, devnet.wsUrl);
    const again = await b.session.serveNext(2000);
    expect(again.job_id).toBe(id);
    await expect.poll(async () => (await devnet.admin.job(id!)).state).toBe('completed');
    const job = await devnet.admin.job(id!);
    // Until B is up, A (deprioritised but alone) may get the job back and time out again.
    expect(job.taken_from.length).toBeGreaterThanOrEqual(1);
    expect(new Set(job.taken_from)).toEqual(new Set([a.node.nodeId]));
    expect(job.completed_by).toBe(b.node.nodeId);
    const stats = await devnet.admin.stats();
    expect(stats.accept_timeouts).toBe(job.taken_from.length);
    expect(stats.jobs_reassigned).toBe(job.taken_from.length);
    expect(stats.nodes[a.node.nodeId].counters.accept_timeouts).toBe(job.taken_from.length);
    expect(stats.nodes[a.node.nodeId].deprioritised).toBe(true);
    // A's late answer is refused: the job is closed.
    a.session.send('job_result', a.session.resultFor(first));
    const ack = await a.session.next('result_ack');
    expect(ack.outcome).toBe('rejected');
    expect((await devnet.admin.stats()).late_results_rejected).toBe(1);
  });

  it('reassigns a job whose deadline passes, and a deprioritised node is served last', async () => {
    const a = await activeNode(devnet.url, devnet.wsUrl);
    const [id] = devnet.submitJobs(1);
    const job = (await a.session.next('job_assign')).job as Job;
    expect(job.deadline_at - job.assigned_at).toBe(600);
    a.session.send('job_accept', { job_id: job.job_id });
    const b = await activeNode(devnet.url, devnet.wsUrl);
    expect((await b.session.serveNext(3000)).job_id).toBe(id);
    const stats = await devnet.admin.stats();
    expect(stats.deadline_misses).toBe(1);
    expect(stats.jobs_reassigned).toBe(stats.deadline_misses + stats.accept_timeouts);
    // A is deprioritised: the next jobs go to B while it has room.
    devnet.submitJobs(2);
    await b.session.serveNext();
    await b.session.serveNext();
    expect(a.session.frames.filter((f) => f.type === 'job_assign')).toHaveLength(2);
  });

  it('accepts a late result while the job is still open and cancels it on the new node', async () => {
    const a = await activeNode(devnet.url, devnet.wsUrl);
    const [id] = devnet.submitJobs(1);
    const job = (await a.session.next('job_assign')).job as Job;
    const b = await activeNode(devnet.url, devnet.wsUrl);
    await b.session.next('job_assign', 2000); // reassigned to B after A's accept timeout
    a.session.send('job_result', a.session.resultFor(job));
    expect((await a.session.next('result_ack')).outcome).toBe('accepted');
    const cancel = await b.session.next('job_cancel');
    expect(cancel.job_id).toBe(id);
    b.session.send('job_result', b.session.resultFor(job));
    expect((await b.session.next('result_ack')).outcome).toBe('rejected');
    expect((await devnet.admin.job(id!)).completed_by).toBe(a.node.nodeId);
  });

  it('answers a second result for a completed job with duplicate, once per resend, and counts it', async () => {
    const a = await activeNode(devnet.url, devnet.wsUrl);
    devnet.submitJobs(1);
    const job = (await a.session.next('job_assign')).job as Job;
    a.session.send('job_accept', { job_id: job.job_id });
    a.session.send('job_result', a.session.resultFor(job));
    expect((await a.session.next('result_ack')).outcome).toBe('accepted');
    a.session.send('job_result', a.session.resultFor(job)); // re-signed: new nonce
    const dup = await a.session.next('result_ack');
    expect(dup.outcome).toBe('duplicate');
    const stats = await devnet.admin.stats();
    expect(stats.duplicate_results_rejected).toBe(1);
    expect(stats.jobs_completed).toBe(1);
    expect(stats.results_accepted).toBe(1);
  });

  it('refuses a replayed job_result frame (same nonce) over the WebSocket', async () => {
    const a = await activeNode(devnet.url, devnet.wsUrl);
    devnet.submitJobs(1);
    const job = (await a.session.next('job_assign')).job as Job;
    const env = a.node.envelope('job_result', a.session.resultFor(job));
    a.session.sendRaw(env);
    expect((await a.session.next('result_ack')).outcome).toBe('accepted');
    a.session.sendRaw(env);
    const err = await a.session.next('error');
    expect(err.code).toBe('replayed_nonce');
    const ack = await a.session.next('result_ack');
    expect(ack.outcome).toBe('rejected');
    expect((await devnet.admin.stats()).duplicate_results_rejected).toBe(0);
  });

  it('reassigns on reject, fails a job reassigned too often, and verifies every result signature', async () => {
    await devnet.close();
    devnet = await startTestDevnet({ maxAttempts: 2, deprioritizeMs: 10 });
    const a = await activeNode(devnet.url, devnet.wsUrl);
    const [id] = devnet.submitJobs(1);
    for (let i = 0; i < 2; i++) {
      const job = (await a.session.next('job_assign')).job as Job;
      a.session.send('job_reject', { job_id: job.job_id, reason: 'queue_full', detail: 'busy' });
    }
    await expect.poll(async () => (await devnet.admin.job(id!)).state).toBe('failed');
    expect((await devnet.admin.job(id!)).fail_reason).toMatch(
      /reassigned too often \(2 assignments\)/,
    );
    const stats = await devnet.admin.stats();
    expect(stats.job_rejects).toBe(2);
    expect(stats.jobs_failed).toBe(1);

    const [id2] = devnet.submitJobs(1);
    const job2 = (await a.session.next('job_assign')).job as Job;
    const env = a.node.envelope('job_result', a.session.resultFor(job2));
    env.body = { ...env.body, output: 'tampered' };
    a.session.sendRaw(env);
    expect((await a.session.next('error')).code).toBe('bad_signature');
    expect((await a.session.next('result_ack')).outcome).toBe('rejected');
    expect((await devnet.admin.job(id2!)).state).not.toBe('completed');
    expect((await devnet.admin.stats()).signatures_rejected).toBe(1);
  });

  it('fails a job no node can take before its deadline, and cancels jobs through the admin API', async () => {
    const r = await devnet.admin.post('/v1/admin/jobs', { count: 1, ttl_ms: 100 });
    await sleep(200);
    const job = await devnet.admin.job(r.job_ids[0]);
    expect(job.state).toBe('failed');
    expect(job.fail_reason).toMatch(/no eligible node/);

    const a = await activeNode(devnet.url, devnet.wsUrl);
    const [id] = devnet.submitJobs(1);
    const assigned = (await a.session.next('job_assign')).job as Job;
    a.session.send('job_accept', { job_id: assigned.job_id });
    const cancelled = await devnet.admin.post(`/v1/admin/jobs/${id}/cancel`, { reason: 'test' });
    expect(cancelled.state).toBe('failed');
    expect((await a.session.next('job_cancel')).job_id).toBe(id);
    a.session.send(
      'job_result',
      a.session.resultFor(assigned, { status: 'failed', finish_reason: 'cancelled', output: '' }),
    );
    expect((await a.session.next('result_ack')).outcome).toBe('accepted');
    const again = await devnet.admin.call('POST', `/v1/admin/jobs/${id}/cancel`, {});
    expect(again.status).toBe(409);
    const stats = await devnet.admin.stats();
    expect(stats.jobs_cancelled).toBe(1);
    expect(stats.jobs_submitted).toBe(
      stats.jobs_completed + stats.jobs_failed + stats.jobs_pending + stats.jobs_in_flight,
    );
  });
});
