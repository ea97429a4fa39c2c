import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDevnet } from './harness.js';
import { activeNode } from './node-client.js';

describe('devnet admin API', () => {
  let devnet: Awaited<ReturnType<typeof startTestDevnet>>;
  beforeAll(async () => {
    devnet = await startTestDevnet({ adminToken: 'secret-token' });
  });
  afterAll(() => devnet.close());

  it('answers 401 without a token or with a wrong one', async () => {
    for (const path of ['/v1/admin/stats', '/v1/admin/jobs', '/v1/admin/faults']) {
      const none = await fetch(devnet.url + path);
      expect(none.status).toBe(401);
      expect((await none.json()).error.code).toBe('unauthorised');
      expect((await devnet.admin.call('GET', path, undefined, 'secret-tokeN')).status).toBe(401);
    }
    expect((await devnet.admin.call('POST', '/v1/admin/jobs', { count: 1 }, 'x')).status).toBe(401);
    expect(devnet.core.ledger.counters.jobs_submitted).toBe(0);
    expect((await devnet.admin.call('GET', '/v1/admin/stats')).status).toBe(200);
  });

  it('validates request bodies with clear 4xx errors', async () => {
    const bad = await devnet.admin.call('POST', '/v1/admin/jobs', { count: -1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_request');
    expect(bad.json.error.message).toMatch(/count/);
    expect((await devnet.admin.call('POST', '/v1/admin/jobs', { cuont: 1 })).status).toBe(400);
    expect(
      (await devnet.admin.call('POST', '/v1/admin/faults', { no_such_fault: true })).status,
    ).toBe(400);
    expect(
      (await devnet.admin.call('POST', '/v1/admin/workload', { rate: 5 })).json.error.message,
    ).toMatch(/duration_s/);
    const notJson = await fetch(`${devnet.url}/v1/admin/jobs`, {
      method: 'POST',
      headers: { authorization: 'Bearer secret-token' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect((await devnet.admin.call('GET', '/v1/admin/jobs/nope')).status).toBe(404);
    expect((await devnet.admin.call('DELETE', '/v1/admin/stats')).status).toBe(405);
    const conflict = await devnet.admin.call('POST', '/v1/admin/snapshot', {
      merge: { serial: 1 },
    });
    expect(conflict.status).toBe(409);
    const invalid = await devnet.admin.call('POST', '/v1/admin/snapshot', {
      merge: { jobs: { max_queue_size: 0 } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.code).toBe('invalid_snapshot');
  });

  it('runs submitted jobs and reports consistent statistics with timings', async () => {
    const { node, session } = await activeNode(devnet.url, devnet.wsUrl, { maxConcurrency: 4 });
    session.autoServe();
    const r = await devnet.admin.post('/v1/admin/jobs', { count: 100 });
    expect(r.count).toBe(100);
    const two = await devnet.admin.post('/v1/admin/jobs', {
      max_tokens: 8,
      jobs: [{ prompt: 'hello' }, { messages: [{ role: 'user', content: 'hi' }] }],
    });
    expect((await devnet.admin.job(two.job_ids[1])).spec.kind).toBe('chat');
    await expect
      .poll(async () => (await devnet.admin.stats()).jobs_completed, { timeout: 10_000 })
      .toBe(102);
    const s = await devnet.admin.get('/v1/admin/stats?timings=1');
    for (const k of [
      'jobs_submitted',
      'jobs_assigned',
      'jobs_completed',
      'jobs_reassigned',
      'jobs_failed',
      'duplicate_results_rejected',
      'signatures_rejected',
      'active_nodes',
      'jobs_pending',
      'jobs_in_flight',
    ]) {
      expect(typeof s[k]).toBe('number');
    }
    expect(s.jobs_submitted).toBe(
      s.jobs_completed + s.jobs_failed + s.jobs_pending + s.jobs_in_flight,
    );
    expect(s.timings.assign_to_result_ms.count).toBe(102);
    expect(s.timings.assign_to_result_ms.p50).toBeGreaterThan(0);
    expect(s.timings.assign_to_result_ms.p99).toBeGreaterThanOrEqual(
      s.timings.assign_to_result_ms.p50,
    );
    expect(s.timings.assign_to_result_ms_values).toHaveLength(102);
    expect(s.nodes[node.nodeId].counters.completed).toBe(102);
    expect(s.nodes[node.nodeId].session.capacity).toBe(4);
    const list = await devnet.admin.get('/v1/admin/jobs?state=completed');
    expect(list.ids.completed).toHaveLength(102);
    expect(list.counts.pending).toBe(0);
    const one = await devnet.admin.job(r.job_ids[0]);
    expect(one.state).toBe('completed');
    expect(one.duration_ms).toBeGreaterThan(0);
    expect(one.result.output_hash).toMatch(/^[0-9a-f]{64}$/);
    session.close();
  });

  it('publishes snapshots, pushes config_changed, sends ping and drain and records the answers', async () => {
    const { node, session } = await activeNode(devnet.url, devnet.wsUrl);
    const pub = await devnet.admin.post('/v1/admin/snapshot', {
      merge: { jobs: { max_queue_size: 16 } },
    });
    const changed = await session.next('config_changed');
    expect(changed.serial).toBe(pub.serial);
    expect(changed.config_digest).toBe(pub.config_digest);
    expect((await (await fetch(`${devnet.url}/v1/config/digest`)).json()).config_digest).toBe(
      pub.config_digest,
    );

    const { ping_id } = await devnet.admin.post(`/v1/admin/nodes/${node.nodeId}/ping`);
    const ping = await session.next('ping');
    expect(ping.ping_id).toBe(ping_id);
    session.send('pong', { ping_id });
    await expect
      .poll(async () => (await devnet.admin.get(`/v1/admin/nodes/${node.nodeId}`)).pongs.length)
      .toBe(1);

    await devnet.admin.post(`/v1/admin/nodes/${node.nodeId}/drain`, {
      reason: 'maintenance',
      deadline_ms: 1000,
    });
    const drain = await session.next('drain');
    expect(drain.reason).toBe('maintenance');
    session.send('drain_ack', { in_flight: 0 });
    await expect
      .poll(
        async () => (await devnet.admin.get(`/v1/admin/nodes/${node.nodeId}`)).drains[0]?.in_flight,
      )
      .toBe(0);
    const view = await devnet.admin.get(`/v1/admin/nodes/${node.nodeId}`);
    expect(view.in_rotation).toBe(false);
    session.close();
  });

  it('lets the operator suspend a node and send it back to testing', async () => {
    const { node, session } = await activeNode(devnet.url, devnet.wsUrl);
    const v = await devnet.admin.post(`/v1/admin/nodes/${node.nodeId}/status`, {
      status: 'suspended',
      reason: 'abuse report',
    });
    expect(v.in_rotation).toBe(false);
    const frame = await session.next('node_status');
    expect(frame).toMatchObject({ status: 'suspended', reason: 'abuse report' });
    expect(
      (await devnet.admin.call('POST', `/v1/admin/nodes/${node.nodeId}/status`, { status: 'gone' }))
        .status,
    ).toBe(400);
    await devnet.admin.post(`/v1/admin/nodes/${node.nodeId}/status`, { status: 'pending_test' });
    expect((await session.next('node_status')).status).toBe('pending_test');
    expect(((await session.next('job_assign')).job as { test?: boolean }).test).toBe(true);
    session.close();
  });

  it('runs a synthetic workload to its count and stops', async () => {
    const before = (await devnet.admin.stats()).jobs_submitted;
    const w = await devnet.admin.post('/v1/admin/workload', {
      rate: 200,
      count: 20,
      prompt_tokens: 8,
      max_tokens: 4,
    });
    expect(w.running).toBe(true);
    await expect
      .poll(async () => (await devnet.admin.get('/v1/admin/workload')).running, { timeout: 3000 })
      .toBe(false);
    expect((await devnet.admin.stats()).jobs_submitted).toBe(before + 20);
    const stopped = await devnet.admin.post('/v1/admin/workload/stop');
    expect(stopped.submitted).toBe(20);
  });
});
