import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let registerCalls = 0;
const nodes: RunningNode[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'agent-devnet-'));
  ({ devnet, sim } = await startNetwork(root));
  const registry = devnet.core.registry;
  const original = registry.register.bind(registry);
  registry.register = (...args) => {
    registerCalls += 1;
    return original(...args);
  };
});

afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => undefined);
  await devnet?.close();
  await sim?.close();
  await rm(root, { recursive: true, force: true });
});

describe('agent on the devnet', () => {
  const identity = NodeIdentity.generate();
  const nodeRoot = () => join(root, 'node');

  it('starts: initialised → registering → testing → active (test task passed), and serves jobs', async () => {
    const n = await startNode(nodeRoot(), identity, devnet, sim);
    nodes.push(n);
    await waitFor(() => n.node.agent.state().name === 'active', 'active');
    expect(n.states.slice(0, 4)).toEqual(['initialised', 'registering', 'testing', 'active']);
    expect(registerCalls).toBe(1);
    const view = devnet.core.registry.get(identity.nodeId);
    expect(view?.status).toBe('active');

    expect(devnet.submitJobs(5)).toHaveLength(5);
    await waitFor(() => devnet.core.ledger.counters.jobs_completed === 5, 'five completed jobs');
    await waitFor(() => n.node.agent.counters().completed_total >= 6, 'the node counting them');
    await waitFor(() => (view?.heartbeats ?? 0) > 0, 'a heartbeat');
    expect(view?.lastHeartbeat).toMatchObject({
      state: 'active',
      config_digest: n.node.agent.config.snapshot()?.digest,
      config_status: { state: 'ok' },
      runtime: { kind: 'simulated', healthy: true },
    });
  });

  it('drains on stop: draining → stopped, uploading the local log on the way out', async () => {
    const n = nodes.pop() as RunningNode;
    const before = devnet.core.logs.batchesReceived;
    await n.stop();
    expect(n.states.slice(-2)).toEqual(['draining', 'stopped']);
    expect(n.node.agent.state().reason).toBe('test over');
    expect(devnet.core.logs.batchesReceived).toBeGreaterThan(before);
  });

  it('restarts without registering again and becomes active again', async () => {
    const n = await startNode(nodeRoot(), identity, devnet, sim);
    nodes.push(n);
    await waitFor(() => n.node.agent.state().name === 'active', 'active after restart');
    expect(n.states).not.toContain('registering');
    expect(registerCalls).toBe(1);
    expect(n.logs.some((l) => l.message.includes('without registering again'))).toBe(true);
  });

  it('pauses on a drain frame from the network, acknowledges it, and serves again later', async () => {
    const n = nodes.at(-1) as RunningNode;
    const link = devnet.core.dispatcher.links.get(identity.nodeId.toLowerCase());
    expect(link).toBeDefined();
    devnet.core.control.drain(link as never, 'maintenance window', 2000);
    await waitFor(() => n.node.agent.state().name === 'draining', 'paused');
    expect(n.node.agent.state().reason).toMatch(/^paused by the network: maintenance window/);
    await waitFor(
      () =>
        devnet.core.control
          .drainsOf(identity.nodeId.toLowerCase())
          .some((d) => d.acked_at !== null),
      'the drain_ack at the network',
    );
    await waitFor(() => n.node.agent.state().name === 'active', 'active after the pause', 60_000);
    expect(n.states).not.toContain('stopped');
  }, 90_000);
});
