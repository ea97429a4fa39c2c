import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src-main/core/protocol/schemas/ws.js';
import { startTestDevnet, sleep } from './harness.js';
import { TestNode } from './node-client.js';

describe('devnet test task gates activation', () => {
  let devnet: Awaited<ReturnType<typeof startTestDevnet>> | undefined;
  afterEach(() => devnet?.close());

  it('sends a pending node only its test task, activates it after a correct result, then jobs flow', async () => {
    devnet = await startTestDevnet();
    const node = new TestNode(devnet.url);
    await node.register();
    await node.heartbeat();
    devnet.submitJobs(3);
    const s = await node.connect(devnet.wsUrl);
    expect(s.ready?.status).toBe('pending_test');
    const test = (await s.next('job_assign')).job as Job;
    expect(test.test).toBe(true);
    await sleep(100);
    expect(s.frames.filter((f) => f.type === 'job_assign')).toHaveLength(1);
    expect((await devnet.admin.stats()).jobs_assigned).toBe(0);
    s.send('job_accept', { job_id: test.job_id });
    s.send('job_result', s.resultFor(test));
    expect((await s.next('result_ack')).outcome).toBe('accepted');
    const status = await s.next('node_status');
    expect(status.status).toBe('active');
    for (let i = 0; i < 3; i++) expect((await s.serveNext()).test).toBeUndefined();
    await expect.poll(async () => (await devnet!.admin.stats()).jobs_completed).toBe(3);
    expect((await devnet.admin.stats()).tests_passed).toBe(1);
    s.close();
  });

  it('keeps a node pending with a reason after a wrong result, and retests it later', async () => {
    devnet = await startTestDevnet({ testRetryMs: 200 });
    const node = new TestNode(devnet.url);
    await node.register();
    await node.heartbeat();
    devnet.submitJobs(1);
    const s = await node.connect(devnet.wsUrl);
    const test = (await s.next('job_assign')).job as Job;
    // The output hash does not match the output.
    s.send('job_result', s.resultFor(test, { output_hash: 'a'.repeat(64) }));
    const ack = await s.next('result_ack');
    expect(ack.outcome).toBe('rejected');
    expect(ack.reason).toMatch(/output_hash/);
    const status = await s.next('node_status');
    expect(status.status).toBe('pending_test');
    expect(status.reason).toMatch(/test task failed/);
    expect(devnet.core.registry.get(node.nodeId)?.status).toBe('pending_test');
    // A retest comes; no regular job before it passes.
    const retest = (await s.next('job_assign', 3000)).job as Job;
    expect(retest.test).toBe(true);
    expect((await devnet.admin.stats()).jobs_assigned).toBe(0);
    s.send('job_result', s.resultFor(retest));
    expect((await s.next('node_status')).status).toBe('active');
    expect(((await s.next('job_assign')).job as Job).test).toBeUndefined();
    const stats = await devnet.admin.stats();
    expect(stats.tests_failed).toBe(1);
    expect(stats.tests_passed).toBe(1);
    s.close();
  });

  it('with strictTestCheck demands the simulated runtime output', async () => {
    devnet = await startTestDevnet({ strictTestCheck: true });
    const node = new TestNode(devnet.url);
    await node.register();
    const s = await node.connect(devnet.wsUrl);
    const test = (await s.next('job_assign')).job as Job;
    s.send(
      'job_result',
      s.resultFor(test, { output: 'plausible but made-up text', finish_reason: 'stop' }),
    );
    const ack = await s.next('result_ack');
    expect(ack.outcome).toBe('rejected');
    expect(ack.reason).toMatch(/not what the model produces/);
    s.close();

    const node2 = new TestNode(devnet.url);
    await node2.register();
    const s2 = await node2.connect(devnet.wsUrl);
    const test2 = (await s2.next('job_assign')).job as Job;
    s2.send('job_result', s2.resultFor(test2));
    expect((await s2.next('result_ack')).outcome).toBe('accepted');
    expect((await s2.next('node_status')).status).toBe('active');
    s2.close();
  });

  it('fails the test when the node does not accept it in time', async () => {
    devnet = await startTestDevnet();
    devnet.publishSnapshot({ merge: { jobs: { accept_timeout_ms: 150 } } });
    const node = new TestNode(devnet.url);
    await node.register();
    const s = await node.connect(devnet.wsUrl);
    await s.next('job_assign');
    const status = await s.next('node_status', 3000);
    expect(status.status).toBe('pending_test');
    expect(status.reason).toMatch(/no job_accept within 150 ms/);
    s.close();
  });
});
