import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testSigner } from '../../helpers/keys.js';
import { startTestDevnet } from './harness.js';
import { Session, TestNode } from './node-client.js';

async function openRaw(wsUrl: string, node: TestNode): Promise<{ s: Session; challenge: string }> {
  const s = new Session(node, new WebSocket(wsUrl, { perMessageDeflate: false }));
  const c = await s.next('challenge');
  expect(typeof c.server_time).toBe('number');
  return { s, challenge: c.challenge as string };
}

const openBody = (challenge: string) => ({
  challenge,
  agent_version: 't',
  accepting: true,
  max_concurrency: 2,
});

describe('devnet WebSocket sessions', () => {
  let devnet: Awaited<ReturnType<typeof startTestDevnet>>;
  beforeAll(async () => {
    devnet = await startTestDevnet({ sessionOpenTimeoutMs: 300, wsPingIntervalMs: 150 });
  });
  afterAll(() => devnet.close());

  it('closes 4404 for an unregistered node', async () => {
    const node = new TestNode(devnet.url);
    const { s, challenge } = await openRaw(devnet.wsUrl, node);
    s.send('session_open', openBody(challenge));
    expect((await s.next('error')).code).toBe('not_registered');
    expect((await s.closedWith()).code).toBe(4404);
  });

  it('closes 4401 for a bad signature or a wrong challenge, and 4426 for an unknown major version', async () => {
    const node = new TestNode(devnet.url);
    await node.register();
    const before = devnet.core.ledger.counters.signatures_rejected;
    const bad = await openRaw(devnet.wsUrl, node);
    const env = node.envelope('session_open', openBody(bad.challenge));
    bad.s.sendRaw({ ...env, sig: testSigner().signMessage('x') });
    expect((await bad.s.next('error')).code).toBe('bad_signature');
    expect((await bad.s.closedWith()).code).toBe(4401);
    expect(devnet.core.ledger.counters.signatures_rejected).toBe(before + 1);

    const wrong = await openRaw(devnet.wsUrl, node);
    wrong.s.send('session_open', openBody('0'.repeat(64)));
    expect((await wrong.s.next('error')).code).toBe('bad_challenge');
    expect((await wrong.s.closedWith()).code).toBe(4401);

    const version = await openRaw(devnet.wsUrl, node);
    version.s.sendRaw({ ...node.envelope('session_open', openBody(version.challenge)), v: '2.0' });
    expect((await version.s.next('error')).code).toBe('unsupported_version');
    expect((await version.s.closedWith()).code).toBe(4426);
  });

  it('closes a connection that never opens its session', async () => {
    const { s } = await openRaw(devnet.wsUrl, new TestNode(devnet.url));
    expect((await s.closedWith(2000)).code).toBe(4401);
  });

  it('pings at the transport level and terminates a peer that stops answering', async () => {
    const node = new TestNode(devnet.url);
    await node.register();
    const live = await node.connect(devnet.wsUrl);
    const other = new TestNode(devnet.url);
    await other.register();
    const silent = await other.connect(devnet.wsUrl, { autoPong: false });
    // Its session is open, so only the missed pongs can end it: terminated, no close frame.
    const { code } = await silent.closedWith(3000);
    expect(code).toBe(1006);
    expect(live.closed).toBeNull(); // a peer that answers pings stays
    live.close();
  });

  it('replaces an older session of the same node with close 4409', async () => {
    const node = new TestNode(devnet.url);
    await node.register();
    const first = await node.connect(devnet.wsUrl);
    const second = await node.connect(devnet.wsUrl);
    expect((await first.closedWith()).code).toBe(4409);
    expect(second.closed).toBeNull();
    expect(devnet.core.dispatcher.links.get(node.nodeId.toLowerCase())?.sessionId).toBe(
      second.ready?.session_id,
    );
    second.close();
  });

  it('answers malformed and unknown frames in an open session with error frames and stays open', async () => {
    const node = new TestNode(devnet.url);
    await node.register();
    const s = await node.connect(devnet.wsUrl);
    s.sendRaw('not json');
    expect((await s.next('error')).code).toBe('malformed');
    s.sendRaw(node.envelope('what_is_this', {}));
    expect((await s.next('error')).message).toMatch(/unknown message type/);
    s.send('job_result', { job_id: 'j' });
    expect((await s.next('error')).code).toBe('malformed');
    expect(s.closed).toBeNull();
    s.close();
  });
});
