import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeartbeatResponse } from '../../../src-main/core/protocol/index.js';
import { startTestDevnet, sleep } from './harness.js';
import { activeNode } from './node-client.js';

// The heartbeat answer's `rotation` (PROTOCOL.md, Heartbeats): the network's own view of
// whether it sends this node jobs, as the reference network really computes it.
describe('devnet heartbeat answer: rotation view', () => {
  let devnet: Awaited<ReturnType<typeof startTestDevnet>>;
  beforeAll(async () => {
    devnet = await startTestDevnet({ deprioritizeMs: 60_000 });
  });
  afterAll(() => devnet.close());

  it('reports in rotation, an operator hold with its end, and the lifted hold', async () => {
    const { node, session } = await activeNode(devnet.url, devnet.wsUrl);
    const first = HeartbeatResponse.parse((await node.heartbeat()).json);
    expect(first.rotation).toEqual({ in_rotation: true, deprioritised: null });

    const before = Date.now();
    await devnet.admin.post(`/v1/admin/nodes/${node.nodeId}/rotation`, {
      in_rotation: false,
      reason: 'maintenance window',
      duration_ms: 600_000,
    });
    const held = HeartbeatResponse.parse((await node.heartbeat()).json);
    expect(held.rotation).toMatchObject({
      in_rotation: false,
      reason: 'operator_hold',
      detail: 'maintenance window',
    });
    expect(held.rotation!.until).toBeGreaterThanOrEqual(before + 600_000);
    // Held out: a submitted job waits.
    const [job] = devnet.submitJobs(1);
    await sleep(150);
    expect((await devnet.admin.job(job!)).state).toBe('pending');
    expect((await devnet.admin.get(`/v1/admin/nodes/${node.nodeId}`)).rotation).toMatchObject({
      in_rotation: false,
      reason: 'operator_hold',
    });

    await devnet.admin.post(`/v1/admin/nodes/${node.nodeId}/rotation`, { in_rotation: true });
    const back = HeartbeatResponse.parse((await node.heartbeat()).json);
    expect(back.rotation?.in_rotation).toBe(true);
    expect((await session.serveNext(2000)).job_id).toBe(job);
    session.close();
  });

  it('reports a deprioritisation after a missed deadline, with its reason and end', async () => {
    const { node, session } = await activeNode(devnet.url, devnet.wsUrl);
    await node.heartbeat();
    const before = Date.now();
    devnet.submitJobs({ count: 1, timeout_ms: 100 });
    await session.next('job_assign'); // never answered: the deadline passes
    await sleep(300);
    const answer = HeartbeatResponse.parse((await node.heartbeat()).json);
    expect(answer.rotation?.in_rotation).toBe(true);
    expect(answer.rotation?.deprioritised?.reason).toMatch(/missed a job deadline/);
    expect(answer.rotation?.deprioritised?.until).toBeGreaterThanOrEqual(before + 60_000);
    session.close();
  });
});
