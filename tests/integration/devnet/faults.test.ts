import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { verifySignedSnapshot } from '../../../src-main/core/protocol/snapshot.js';
import { MAX_FRAME_BYTES, NetworkMessage } from '../../../src-main/core/protocol/schemas/ws.js';
import { startTestDevnet, sleep } from './harness.js';
import { activeNode, TestNode } from './node-client.js';

const pinned = (devnet: { signerAddress: string }) => ({
  pinnedSigner: devnet.signerAddress,
  network: 'local' as const,
});

describe('devnet fault and hostile modes', () => {
  let devnet: Awaited<ReturnType<typeof startTestDevnet>>;
  beforeEach(async () => {
    devnet = await startTestDevnet();
  });
  afterEach(() => devnet.close());

  it('drop_ws_mid_job cuts the socket right after a job_assign, then switches itself off', async () => {
    const { session } = await activeNode(devnet.url, devnet.wsUrl);
    await devnet.admin.post('/v1/admin/faults', { drop_ws_mid_job: { times: 1 } });
    devnet.submitJobs(1);
    const closed = await session.closedWith(3000);
    expect(closed.code).toBe(1006);
    expect((await devnet.admin.get('/v1/admin/faults')).drop_ws_mid_job).toBeNull();
    expect((await devnet.admin.stats()).jobs_in_flight).toBe(1);
  });

  it('stop_answering holds HTTP and WebSocket connections without any answer until cleared', async () => {
    const { session } = await activeNode(devnet.url, devnet.wsUrl);
    await devnet.admin.post('/v1/admin/faults', { stop_answering: true });
    await expect(
      fetch(`${devnet.url}/v1/time`, { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    const ws = new WebSocket(devnet.wsUrl, { perMessageDeflate: false });
    const events: string[] = [];
    ws.on('open', () => events.push('open'));
    ws.on('message', () => events.push('message'));
    ws.on('error', () => events.push('error'));
    // The open session: no ack, no pong.
    devnet.submitJobs(1);
    let pong = false;
    session.ws.on('pong', () => (pong = true));
    session.ws.ping();
    await sleep(300);
    expect(events).toEqual([]);
    expect(pong).toBe(false);
    expect(session.frames.filter((f) => f.type === 'job_assign')).toHaveLength(1); // only the test task
    ws.terminate();
    await devnet.admin.call('DELETE', '/v1/admin/faults');
    expect((await fetch(`${devnet.url}/v1/time`)).status).toBe(200);
  });

  it('malformed_frames sends invalid JSON, a schema-violating, an unknown and a wrong-version frame', async () => {
    const { session } = await activeNode(devnet.url, devnet.wsUrl);
    const before = session.raw.length;
    await devnet.admin.post('/v1/admin/faults', { malformed_frames: true });
    await expect.poll(() => session.raw.length - before).toBeGreaterThanOrEqual(4);
    const frames = session.raw.slice(before);
    const parsed = frames.map((t) => {
      try {
        return JSON.parse(t);
      } catch {
        return 'invalid';
      }
    });
    expect(parsed).toContain('invalid');
    for (const p of parsed) {
      if (p !== 'invalid') expect(NetworkMessage.safeParse(p).success && p.v === '1.0').toBe(false);
    }
  });

  it('oversized_frames sends a frame larger than MAX_FRAME_BYTES (a bounded client refuses it)', async () => {
    const { node, session } = await activeNode(devnet.url, devnet.wsUrl);
    await devnet.admin.post('/v1/admin/faults', { oversized_frames: true });
    await expect.poll(() => session.raw.some((t) => t.length > MAX_FRAME_BYTES)).toBe(true);
    // A node with the protocol's limit refuses it at the transport.
    const bounded = new WebSocket(devnet.wsUrl, {
      perMessageDeflate: false,
      maxPayload: MAX_FRAME_BYTES,
    });
    const error = await new Promise<Error>((resolve) => {
      bounded.on('message', (data) => {
        const f = JSON.parse(data.toString());
        if (f.type !== 'challenge') return;
        const env = node.envelope('session_open', {
          challenge: f.challenge,
          agent_version: 't',
          accepting: true,
          max_concurrency: 1,
        });
        bounded.send(JSON.stringify(env));
      });
      bounded.on('error', resolve);
    });
    expect(error.message).toMatch(/Max payload size exceeded/);
    bounded.terminate();
  });

  it('bad_snapshot_signature serves snapshots a pinned node refuses (signer field still claims the network)', async () => {
    await devnet.admin.post('/v1/admin/faults', { bad_snapshot_signature: true });
    const snap = await (await fetch(`${devnet.url}/v1/config/snapshot`)).json();
    expect(snap.signer).toBe(devnet.signerAddress);
    expect(() => verifySignedSnapshot(snap, pinned(devnet))).toThrow(/signed by/);
    const reg = await new TestNode(devnet.url).register();
    expect(() => verifySignedSnapshot(reg.json.snapshot, pinned(devnet))).toThrow(/signed by/);
    await devnet.admin.call('DELETE', '/v1/admin/faults');
    const good = await (await fetch(`${devnet.url}/v1/config/snapshot`)).json();
    expect(verifySignedSnapshot(good, pinned(devnet)).snapshot.serial).toBe(1);
  });

  it('replay_old_snapshot serves and pushes an older, correctly signed serial', async () => {
    const refused = await devnet.admin.call('POST', '/v1/admin/faults', {
      replay_old_snapshot: true,
    });
    expect(refused.status).toBe(409);
    const { session } = await activeNode(devnet.url, devnet.wsUrl);
    await devnet.admin.post('/v1/admin/snapshot', { merge: { jobs: { max_queue_size: 32 } } });
    expect((await session.next('config_changed')).serial).toBe(2);
    await devnet.admin.post('/v1/admin/faults', { replay_old_snapshot: true });
    expect((await session.next('config_changed')).serial).toBe(1);
    const digest = await (await fetch(`${devnet.url}/v1/config/digest`)).json();
    expect(digest.serial).toBe(1);
    const snap = await (await fetch(`${devnet.url}/v1/config/snapshot`)).json();
    expect(verifySignedSnapshot(snap, pinned(devnet)).snapshot.serial).toBe(1);
    expect(() => verifySignedSnapshot(snap, { ...pinned(devnet), appliedSerial: 2 })).toThrow(
      /older/,
    );
  });

  it('clock_skew reports and stamps a skewed server time and judges node timestamps by it', async () => {
    const { node, session } = await activeNode(devnet.url, devnet.wsUrl);
    await devnet.admin.post('/v1/admin/faults', { clock_skew: { ms: 120_000 } });
    const t = await (await fetch(`${devnet.url}/v1/time`)).json();
    expect(t.server_time - Date.now()).toBeGreaterThan(110_000);
    const hb = await node.heartbeat();
    expect(hb.status).toBe(401);
    expect(hb.json.error.code).toBe('stale_timestamp');
    node.clock = { now: () => Date.now() + 120_000 };
    expect((await node.heartbeat()).status).toBe(200);
    devnet.submitJobs(1);
    const assign = await session.next('job_assign');
    expect((assign.job as { assigned_at: number }).assigned_at - Date.now()).toBeGreaterThan(
      110_000,
    );
  });

  it('refuse_registration answers 403 registration_refused', async () => {
    await devnet.admin.post('/v1/admin/faults', { refuse_registration: true });
    const r = await new TestNode(devnet.url).register();
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('registration_refused');
  });
});
