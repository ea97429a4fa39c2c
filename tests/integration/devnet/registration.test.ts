import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WireError } from '../../../src-main/core/protocol/schemas/common.js';
import {
  ConfigDigestResponse,
  HeartbeatResponse,
  LogBatchResponse,
  RegisterResponse,
  TimeResponse,
} from '../../../src-main/core/protocol/schemas/http.js';
import { SignedSnapshot } from '../../../src-main/core/protocol/schemas/snapshot.js';
import { testSigner } from '../../helpers/keys.js';
import { startTestDevnet } from './harness.js';
import { TestNode } from './node-client.js';

describe('devnet registration and signed HTTP messages', () => {
  let devnet: Awaited<ReturnType<typeof startTestDevnet>>;
  beforeAll(async () => {
    devnet = await startTestDevnet();
  });
  afterAll(() => devnet.close());

  it('registers a node as pending_test with a snapshot signed by the network key', async () => {
    const node = new TestNode(devnet.url);
    const r = await node.register();
    expect(r.status).toBe(200);
    expect(r.json.node_id).toBe(node.nodeId);
    expect(r.json.status).toBe('pending_test');
    expect(r.json.ws_path).toBe('/v1/ws');
    expect(r.json.snapshot.signer).toBe(devnet.signerAddress);
    expect(typeof r.json.server_time).toBe('number');
  });

  it('refuses a registration signed by another key and counts it', async () => {
    const before = (await devnet.admin.stats()).signatures_rejected;
    const node = new TestNode(devnet.url);
    const forged = { ...node.envelope('register', node.registerBody()) };
    forged.sig = testSigner().signMessage('something else');
    const r = await node.post('/v1/nodes/register', forged);
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('wrong_signer');
    // A signature that is not even a curve point.
    const broken = {
      ...node.envelope('register', node.registerBody()),
      sig: `0x${'11'.repeat(64)}1b`,
    };
    const r2 = await node.post('/v1/nodes/register', broken);
    expect(r2.status).toBe(401);
    expect(['bad_signature', 'wrong_signer']).toContain(r2.json.error.code);
    expect((await devnet.admin.stats()).signatures_rejected).toBe(before + 2);
    expect(devnet.core.registry.get(node.nodeId)).toBeUndefined();
  });

  it('refuses a public key that does not belong to node_id', async () => {
    const node = new TestNode(devnet.url);
    const body = { ...node.registerBody(), public_key: new TestNode(devnet.url).publicKey };
    const r = await node.post('/v1/nodes/register', node.envelope('register', body));
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('wrong_signer');
  });

  it('keeps the status of a node that registers again with the same key', async () => {
    const { activeNode } = await import('./node-client.js');
    const { node, session } = await activeNode(devnet.url, devnet.wsUrl);
    const again = await node.register();
    expect(again.status).toBe(200);
    expect(again.json.status).toBe('active');
    session.close();
  });

  it('answers heartbeats and log batches of unknown nodes with 404 not_registered', async () => {
    const node = new TestNode(devnet.url, Wallet.createRandom().privateKey);
    const hb = await node.heartbeat();
    expect(hb.status).toBe(404);
    expect(hb.json.error.code).toBe('not_registered');
    const logs = await node.post(
      '/v1/nodes/logs',
      node.envelope('log_batch', {
        batch_id: 'b1',
        entries: [{ ts: 1, level: 'info', source: 'x', message: 'm' }],
      }),
    );
    expect(logs.status).toBe(404);
  });

  it('refuses a replayed envelope (same nonce) and a stale timestamp', async () => {
    const node = new TestNode(devnet.url);
    await node.register();
    const env = node.envelope('heartbeat', node.heartbeatBody());
    expect((await node.post('/v1/nodes/heartbeat', env)).status).toBe(200);
    const replay = await node.post('/v1/nodes/heartbeat', env);
    expect(replay.status).toBe(401);
    expect(replay.json.error.code).toBe('replayed_nonce');
    node.clock = { now: () => Date.now() - 10 * 60_000 };
    const stale = await node.post(
      '/v1/nodes/heartbeat',
      node.envelope('heartbeat', node.heartbeatBody()),
    );
    expect(stale.json.error.code).toBe('stale_timestamp');
    expect(typeof stale.json.error.server_time).toBe('number');
  });

  it('records the latest heartbeat and accepts a log batch once', async () => {
    const node = new TestNode(devnet.url);
    await node.register();
    const hb = await node.heartbeat({ uptime_s: 42 });
    expect(hb.json.config_digest).toBe(devnet.core.history.current.signed.config_digest);
    const view = await devnet.admin.get(`/v1/admin/nodes/${node.nodeId}`);
    expect(view.last_heartbeat.uptime_s).toBe(42);
    const batch = {
      batch_id: 'batch-1',
      entries: [{ ts: 1, level: 'warn', source: 'agent', message: 'hello' }],
    };
    const a = await node.post('/v1/nodes/logs', node.envelope('log_batch', batch));
    const b = await node.post('/v1/nodes/logs', node.envelope('log_batch', batch));
    expect(a.json).toEqual({ accepted: 'batch-1', count: 1 });
    expect(b.json).toEqual({ accepted: 'batch-1', count: 1 });
    const logs = await devnet.admin.get(`/v1/admin/logs?node=${node.nodeId}`);
    expect(logs.entries).toHaveLength(1);
    expect(logs.entries[0].message).toBe('hello');
  });

  it('serves the config digest, the snapshot and the time', async () => {
    const digest = await (await fetch(`${devnet.url}/v1/config/digest`)).json();
    const snap = await (await fetch(`${devnet.url}/v1/config/snapshot`)).json();
    expect(snap.config_digest).toBe(digest.config_digest);
    expect(digest.serial).toBe(snap.snapshot.serial);
    const byDigest = await fetch(
      `${devnet.url}/v1/config/snapshot?digest=sha256:${'0'.repeat(64)}`,
    );
    expect(byDigest.status).toBe(404);
    const t = await (await fetch(`${devnet.url}/v1/time`)).json();
    expect(Math.abs(t.server_time - Date.now())).toBeLessThan(5000);
  });

  it('answers in the shapes the protocol schemas describe', async () => {
    const node = new TestNode(devnet.url);
    const strict = <T>(schema: { safeParse(v: unknown): { success: boolean } }, v: T) =>
      expect(schema.safeParse(v).success, JSON.stringify(v).slice(0, 300)).toBe(true);
    strict(RegisterResponse, (await node.register()).json);
    strict(HeartbeatResponse, (await node.heartbeat()).json);
    const batch = { batch_id: 'b', entries: [{ ts: 1, level: 'info', source: 's', message: 'm' }] };
    strict(
      LogBatchResponse,
      (await node.post('/v1/nodes/logs', node.envelope('log_batch', batch))).json,
    );
    strict(ConfigDigestResponse, await (await fetch(`${devnet.url}/v1/config/digest`)).json());
    strict(SignedSnapshot, await (await fetch(`${devnet.url}/v1/config/snapshot`)).json());
    strict(TimeResponse, await (await fetch(`${devnet.url}/v1/time`)).json());
    strict(WireError, (await new TestNode(devnet.url).heartbeat()).json);
  });
});
