import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servingSummary } from '../../../src-main/core/status/serving-summary.js';
import type { Devnet } from '../../../src-main/devnet/io/devnet.js';
import type { SimRuntime } from '../../../src-main/devnet/sim-runtime/index.js';
import {
  NodeIdentity,
  startNetwork,
  startNode,
  waitFor,
  type RunningNode,
} from './node-on-devnet.js';

// The node's "am I serving, and if not, why" follows the network's own rotation view, which
// the devnet computes and sends in heartbeat answers (PROTOCOL.md, Heartbeats).
let root: string;
let devnet: Devnet;
let sim: SimRuntime;
let n: RunningNode | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'serving-view-'));
  ({ devnet, sim } = await startNetwork(root));
  devnet.publishSnapshot({ merge: { ttl: { heartbeat_interval_ms: 200 } } });
});

afterAll(async () => {
  await n?.stop().catch(() => undefined);
  await devnet?.close();
  await sim?.close();
  await rm(root, { recursive: true, force: true });
});

describe('serving view on the devnet', () => {
  it('goes out of rotation when the network holds the node, with the network’s reason, and back', async () => {
    const identity = NodeIdentity.generate();
    n = await startNode(join(root, 'node'), identity, devnet, sim);
    const agent = n.node.agent;
    const summary = () =>
      servingSummary({
        state: agent.state(),
        health: agent.health.view(),
        owner: null,
        benchmark: null,
        now: Date.now(),
      });
    await waitFor(() => summary().serving && agent.health.view().rotation !== null, 'serving');
    expect(agent.health.view().rotation?.view).toMatchObject({ in_rotation: true });

    const node = devnet.core.registry.get(identity.nodeId)!;
    devnet.core.holdRotation(node, { in_rotation: false, reason: 'rotation test' });
    await waitFor(() => !summary().serving, 'out of rotation');
    expect(summary().headline).toBe(
      'Not getting jobs because the network’s operator took this node out of the rotation',
    );
    expect(summary().reasons.find((r) => r.id === 'rotation')).toMatchObject({
      state: 'bad',
      detail: 'rotation test',
      until: null,
    });
    // The node's own state stays active: the rotation is the network's view, not a fault here.
    expect(agent.state().name).toBe('active');

    devnet.core.holdRotation(node, { in_rotation: true });
    await waitFor(() => summary().serving, 'back in rotation');
  }, 30_000);
});
