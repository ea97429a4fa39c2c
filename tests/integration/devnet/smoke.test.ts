import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNetworkFrame } from '../../../src-main/core/protocol/network-message.js';
import type { Job } from '../../../src-main/core/protocol/schemas/ws.js';
import { startTestDevnet } from './harness.js';
import { activeNode } from './node-client.js';

describe('devnet smoke', () => {
  let devnet: Awaited<ReturnType<typeof startTestDevnet>>;
  beforeAll(async () => {
    devnet = await startTestDevnet();
  });
  afterAll(() => devnet.close());

  it('registers a node, passes its test, runs jobs and counts them', async () => {
    const { session } = await activeNode(devnet.url, devnet.wsUrl);
    session.autoServe();
    const ids = devnet.submitJobs(20);
    expect(ids).toHaveLength(20);
    await expect.poll(() => devnet.stats().jobs_completed, { timeout: 5000 }).toBe(20);
    const s = devnet.stats();
    expect(s.jobs_submitted).toBe(20);
    expect(s.active_nodes).toBe(1);
    session.close();
  });

  it('sends only frames that match the protocol schema (outside hostile modes)', async () => {
    const { node, session } = await activeNode(devnet.url, devnet.wsUrl);
    devnet.submitJobs(2);
    const a = (await session.next('job_assign')).job as Job;
    session.send('job_result', session.resultFor(a));
    session.send('job_result', session.resultFor(a)); // duplicate
    session.send('job_result', { ...session.resultFor(a), job_id: 'unknown-job' });
    const b = (await session.next('job_assign')).job as Job;
    session.send('job_accept', { job_id: b.job_id });
    await devnet.admin.post(`/v1/admin/jobs/${b.job_id}/cancel`, { reason: 'x'.repeat(500) });
    devnet.publishSnapshot({ merge: { jobs: { max_queue_size: 9 } } });
    await devnet.admin.post(`/v1/admin/nodes/${node.nodeId}/ping`);
    await devnet.admin.post(`/v1/admin/nodes/${node.nodeId}/drain`, { reason: 'bye' });
    session.sendRaw('nonsense');
    await session.next('drain');
    await expect.poll(() => session.frames.filter((f) => f.type === 'error').length).toBe(1);
    const types = new Set<string>();
    for (const raw of session.raw) {
      const frame = decodeNetworkFrame(raw);
      types.add(frame.type);
    }
    for (const t of [
      'challenge',
      'session_ready',
      'job_assign',
      'result_ack',
      'node_status',
      'job_cancel',
      'config_changed',
      'ping',
      'drain',
      'error',
    ]) {
      expect(types).toContain(t);
    }
    session.close();
  });
});
