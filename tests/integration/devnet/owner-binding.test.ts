import { Wallet, type BaseWallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindingMessage } from '../../../src-main/core/protocol/owner-proof.js';
import { OwnerStatus } from '../../../src-main/core/protocol/schemas/account.js';
import {
  HeartbeatResponse,
  RegisterResponse,
} from '../../../src-main/core/protocol/schemas/http.js';
import { startTestDevnet } from './harness.js';
import { TestNode, type Json } from './node-client.js';

/** The devnet verifies owner claims itself (docs/PROTOCOL.md, Account binding). */
describe('devnet owner binding', () => {
  let devnet: Awaited<ReturnType<typeof startTestDevnet>>;
  beforeAll(async () => {
    devnet = await startTestDevnet();
  });
  afterAll(() => devnet.close());

  const view = (node: TestNode): Promise<Json> =>
    devnet.admin.get(`/v1/admin/nodes/${node.nodeId}`);

  function walletClaim(
    node: TestNode,
    wallet: BaseWallet,
    o: { issuedAt?: number; network?: 'local' | 'testnet' } = {},
  ) {
    const message = bindingMessage({
      nodeId: node.nodeId,
      network: o.network ?? 'local',
      wallet: wallet.address,
      issuedAt: o.issuedAt ?? Date.now(),
      nonce: 'ab'.repeat(16),
    });
    return {
      kind: 'wallet',
      address: wallet.address,
      message,
      signature: wallet.signMessageSync(message),
    };
  }

  const claim = async (node: TestNode, owner: unknown) => {
    const r = await node.post('/v1/nodes/owner', node.envelope('owner_binding', { owner }));
    expect(r.status).toBe(200);
    return OwnerStatus.parse(r.json);
  };

  it('binds the wallet a registration proves, shows it in the node view, and changes it only with a new proof', async () => {
    const node = new TestNode(devnet.url);
    const first = Wallet.createRandom();
    const body = {
      ...node.registerBody(),
      owner: walletClaim(node, first, { issuedAt: Date.now() - 60_000 }),
    };
    const r = await node.post('/v1/nodes/register', node.envelope('register', body));
    expect(r.status).toBe(200);
    const answer = RegisterResponse.parse(r.json);
    expect(answer.owner_status).toMatchObject({
      state: 'bound',
      owner: { kind: 'wallet', address: first.address },
    });
    expect((await view(node)).owner).toEqual({ kind: 'wallet', address: first.address });

    // The heartbeat answer repeats what the network holds.
    const hb = HeartbeatResponse.parse((await node.heartbeat()).json);
    expect(hb.owner_status?.owner).toEqual({ kind: 'wallet', address: first.address });

    const second = Wallet.createRandom();
    const changed = await claim(node, walletClaim(node, second));
    expect(changed).toMatchObject({ state: 'bound', owner: { address: second.address } });
    expect((await view(node)).owner).toEqual({ kind: 'wallet', address: second.address });

    // Replaying the first (older) proof does not take the node back.
    const replay = await claim(node, body.owner);
    expect(replay.state).toBe('refused');
    expect(replay.reason).toMatch(/older than the current binding/);
    expect((await view(node)).owner.address).toBe(second.address);
  });

  it('refuses a wrong signature, a proof for another node or network, and a claim without proof', async () => {
    const node = new TestNode(devnet.url);
    expect((await node.register()).status).toBe(200);
    const wallet = Wallet.createRandom();
    const good = walletClaim(node, wallet);

    const otherSigner = Wallet.createRandom();
    const forged = { ...good, signature: otherSigner.signMessageSync(good.message) };
    const refused = await claim(node, forged);
    expect(refused).toMatchObject({ state: 'refused', owner: null });
    expect(refused.reason).toContain(`made by ${otherSigner.address}`);

    const other = new TestNode(devnet.url);
    expect((await claim(node, walletClaim(other, wallet))).reason).toMatch(/is for node/);
    expect((await claim(node, walletClaim(node, wallet, { network: 'testnet' }))).reason).toMatch(
      /testnet network/,
    );
    expect((await claim(node, { kind: 'wallet', address: wallet.address })).reason).toMatch(
      /no proof/,
    );
    const edited = { ...good, message: `${good.message} ` };
    expect((await claim(node, edited)).reason).toMatch(/not the binding message/);

    const v = await view(node);
    expect(v.owner).toBeNull();
    expect(v.owner_refusal).toMatch(/not the binding message/);
  });

  it('binds an email through the code the devnet mailed (read from the admin API)', async () => {
    const node = new TestNode(devnet.url);
    expect((await node.register()).status).toBe(200);
    const email = `op-${Date.now()}@example.com`;
    const sent = await claim(node, { kind: 'email', email });
    expect(sent.state).toBe('code_sent');
    const mails = (await devnet.admin.get(`/v1/admin/emails?to=${encodeURIComponent(email)}`))
      .emails;
    expect(mails).toHaveLength(1);
    expect(mails[0].node_id).toBe(node.nodeId);
    const code: string = mails[0].code;
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await claim(node, { kind: 'email', email, code: wrong })).state).toBe('refused');
    expect((await view(node)).owner).toBeNull();
    const bound = await claim(node, { kind: 'email', email, code });
    expect(bound).toMatchObject({ state: 'bound', owner: { kind: 'email', email } });
    expect((await view(node)).owner).toEqual({ kind: 'email', email });
  });

  it('answers an owner claim from an unregistered node with 404 not_registered', async () => {
    const node = new TestNode(devnet.url);
    const r = await node.post(
      '/v1/nodes/owner',
      node.envelope('owner_binding', { owner: { kind: 'email', email: 'a@example.com' } }),
    );
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('not_registered');
  });
});
