// The owner reaches the network with its proof: at registration, and at once when it changes
// while the node runs (composeNode's signed client), checked in the devnet's own node record.
import { Wallet } from 'ethers';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src-main/core/clock.js';
import { OwnerBinder } from '../../../src-main/core/identity/owner-binder.js';
import { ensureDataDirs, resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';
import type { Devnet } from '../../../src-main/devnet/io/devnet.js';
import type { SimRuntime } from '../../../src-main/devnet/sim-runtime/index.js';
import {
  NodeIdentity,
  startNetwork,
  startNode,
  waitFor,
  type RunningNode,
} from './node-on-devnet.js';

let root: string;
let devnet: Devnet;
let sim: SimRuntime;
let running: RunningNode | null = null;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'owner-devnet-'));
  ({ devnet, sim } = await startNetwork(root));
});

afterAll(async () => {
  await running?.stop().catch(() => undefined);
  await devnet?.close();
  await sim?.close();
  await rm(root, { recursive: true, force: true });
});

describe('owner binding on the devnet', () => {
  it('sends the proof saved before the first start with the registration, then a changed owner at once', async () => {
    const identity = NodeIdentity.generate();
    const dirs = resolveDataDirs(join(root, 'node'), 'local');
    await ensureDataDirs(dirs);
    const owner = new OwnerBinder({
      dirs,
      network: 'local',
      clock: systemClock,
      nodeId: () => identity.nodeId,
    });
    await owner.load();
    const first = Wallet.createRandom();
    const message = owner.walletMessage(first.address);
    await owner.bindWallet(message, first.signMessageSync(message));
    expect(owner.record().state).toBe('pending'); // no node runs yet

    running = await startNode(join(root, 'node'), identity, devnet, sim, {}, { account: owner });
    await waitFor(() => owner.record().state === 'bound', 'the registration answer');
    expect(devnet.core.registry.get(identity.nodeId)?.owner).toEqual({
      kind: 'wallet',
      address: first.address,
    });
    // Heartbeats carry the node's view of its owner.
    const view = () => devnet.core.registry.get(identity.nodeId);
    await waitFor(() => view()?.lastHeartbeat?.account?.state === 'bound', 'a heartbeat');
    expect(view()?.lastHeartbeat?.account?.owner).toEqual({
      kind: 'wallet',
      address: first.address,
    });

    owner.setSender((claim) => running!.node.sendOwnerClaim(claim));
    const second = Wallet.createRandom();
    const next = owner.walletMessage(second.address);
    // A signature by any other key is refused here, and the devnet's record is unchanged.
    await expect(owner.bindWallet(next, first.signMessageSync(next))).rejects.toThrow(
      /not accepted/,
    );
    await owner.bindWallet(next, second.signMessageSync(next));
    expect(owner.record()).toMatchObject({ state: 'bound', owner: { address: second.address } });
    expect(view()?.owner).toEqual({ kind: 'wallet', address: second.address });

    // Email: the devnet "mails" the code; its admin list is where a test reads it.
    await owner.requestEmailCode('Op@Example.com');
    expect(owner.record().state).toBe('code_sent');
    const mail = devnet.core.owners.emails('op@example.com').at(-1)!;
    await owner.confirmEmailCode(mail.code === '000000' ? '111111' : '000000');
    expect(owner.record().state).toBe('refused');
    expect(view()?.owner).toEqual({ kind: 'wallet', address: second.address });
    await owner.confirmEmailCode(mail.code);
    expect(owner.record()).toMatchObject({ state: 'bound' });
    expect(view()?.owner).toEqual({ kind: 'email', email: 'op@example.com' });
  }, 60_000);
});
