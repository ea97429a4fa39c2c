import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDevnet, sleep } from './harness.js';
import { activeNode } from './node-client.js';

describe('devnet heartbeat window and job rotation', () => {
  let devnet: Awaited<ReturnType<typeof startTestDevnet>>;
  beforeAll(async () => {
    devnet = await startTestDevnet();
    devnet.publishSnapshot({
      merge: { ttl: { heartbeat_window_ms: 400, heartbeat_interval_ms: 100 } },
    });
  });
  afterAll(() => devnet.close());

  it('takes a silent node out of the rotation and puts it back when heartbeats resume', async () => {
    const { node, session } = await activeNode(devnet.url, devnet.wsUrl);
    devnet.submitJobs(1);
    await session.serveNext();
    await session.next('result_ack');

    await sleep(500); // the heartbeat window passes
    const view = await devnet.admin.get(`/v1/admin/nodes/${node.nodeId}`);
    expect(view.in_rotation).toBe(false);
    expect(view.out_of_rotation_reason).toMatch(/missed the heartbeat window/);
    expect((await devnet.admin.stats()).nodes_in_rotation).toBe(0);
    const [late] = devnet.submitJobs(1);
    await sleep(150);
    expect((await devnet.admin.job(late!)).state).toBe('pending');
    expect(session.frames.filter((f) => f.type === 'job_assign')).toHaveLength(2); // test + first job

    await node.heartbeat();
    const job = await session.serveNext(2000);
    expect(job.job_id).toBe(late);
    expect((await devnet.admin.stats()).nodes_in_rotation).toBe(1);
    session.close();
  });

  it('does not route a model the node does not report active, nor to an unhealthy runtime', async () => {
    const { node, session } = await activeNode(devnet.url, devnet.wsUrl);
    await node.heartbeat({
      runtime: {
        kind: 'sim',
        healthy: false,
        running_requests: null,
        waiting_requests: null,
        kv_cache_usage: null,
      },
    });
    const [a] = devnet.submitJobs(1);
    await sleep(100);
    expect((await devnet.admin.job(a!)).state).toBe('pending');
    await node.heartbeat({ models: { installed: [], active: [] } });
    await sleep(100);
    expect((await devnet.admin.job(a!)).state).toBe('pending');
    await node.heartbeat();
    expect((await session.serveNext(2000)).job_id).toBe(a);
    session.close();
  });
});
