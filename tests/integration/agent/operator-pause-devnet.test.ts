import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src-main/core/clock.js';
import { PauseController } from '../../../src-main/core/pause/pause-controller.js';
import { startDevnet, type Devnet } from '../../../src-main/devnet/io/devnet.js';
import { DEVNET_MODEL } from '../../../src-main/devnet/io/default-snapshot.js';
import { nodeView } from '../../../src-main/devnet/io/views.js';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/index.js';
import { NodeIdentity, startNode, waitFor, type RunningNode } from './node-on-devnet.js';

let root: string;
let devnet: Devnet;
let sim: SimRuntime;
let n: RunningNode;
const identity = NodeIdentity.generate();
const pauses = new PauseController(systemClock);

interface View {
  in_rotation: boolean;
  out_of_rotation_reason?: string;
  operator_pause: { reason: string; sources: string[] } | null;
  availability: { state: string; up_ms: number; operator_paused_ms: number; down_ms: number };
}
const view = () =>
  nodeView(devnet.core, devnet.core.registry.get(identity.nodeId)!) as unknown as View;
const counters = () => devnet.core.ledger.node(identity.nodeId.toLowerCase());

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'operator-pause-'));
  devnet = await startDevnet({ stateDir: join(root, 'devnet'), wsPingIntervalMs: 2000 });
  // 100 tokens/s: a 400-token job runs 4 s, longer than the 500 ms grace below.
  sim = await startSimRuntime({
    model: DEVNET_MODEL.name,
    servedModelName: DEVNET_MODEL.served_name,
    warmupMs: 0,
    ttftMs: 5,
    tokensPerSecond: 100,
  });
  n = await startNode(join(root, 'node'), identity, devnet, sim, { pauseGraceMs: 500 });
  pauses.onChange((s) => void n.node.agent.operatorPause.set(s));
  await waitFor(() => n.node.agent.state().name === 'active', 'active', 30_000);
  await waitFor(() => view().in_rotation, 'in rotation');
}, 60_000);

afterAll(async () => {
  await n?.stop().catch(() => undefined);
  await devnet?.close();
  await sim?.close();
  await rm(root, { recursive: true, force: true });
});

describe('the operator pause on the devnet', () => {
  it('stops taking jobs, hands back what outlives the grace, stops the runtime; the network sees a paused node (not down) and sends nothing; resume serves again', async () => {
    const long = devnet.submitJobs({ count: 2, max_tokens: 400 });
    await waitFor(() => n.node.agent.counters().in_flight === 2, 'two jobs running');

    const trigger = Date.now();
    pauses.request('manual', { reason: 'paused by you', resumes: 'until you resume' });
    await waitFor(() => n.runtime.status().state === 'stopped', 'the runtime stopped', 10_000);
    const stoppedAfter = Date.now() - trigger;
    // Grace (0.5 s) + hand-back + stop, well under the 15 s goal.
    expect(stoppedAfter).toBeLessThan(5_000);
    expect(n.node.agent.state()).toMatchObject({
      name: 'draining',
      reason: 'Paused — paused by you, until you resume',
    });
    expect(n.node.agent.operatorPause.report()).toMatchObject({ phase: 'paused', handedBack: 2 });

    // The network: paused by the operator, out of the rotation, its time not counted as down.
    await waitFor(() => view().operator_pause !== null, 'the network to see the pause');
    expect(view()).toMatchObject({
      in_rotation: false,
      out_of_rotation_reason: 'paused by its operator: paused by you',
      operator_pause: { reason: 'paused by you', sources: ['manual'] },
    });
    // The two long jobs were handed back (failed here, requeued there), not lost.
    const handedBack = (id: string) =>
      devnet.core.ledger
        .get(id)!
        .events.some((e) => e.event === 'node_failed' && /handed back/i.test(e.detail ?? ''));
    await waitFor(() => long.every(handedBack), 'both long jobs handed back to the network');
    const downBefore = view().availability.down_ms;
    const assignedBefore = counters().assigned;
    const short = devnet.submitJobs({ count: 3, max_tokens: 8 });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(counters().assigned).toBe(assignedBefore);
    const paused = view().availability;
    expect(paused.state).toBe('operator_paused');
    expect(paused.operator_paused_ms).toBeGreaterThanOrEqual(1_500);
    expect(paused.down_ms).toBe(downBefore);

    pauses.release('manual');
    await waitFor(() => n.node.agent.state().name === 'active', 'active again', 15_000);
    expect(n.runtime.status().state).toBe('ready');
    await waitFor(() => view().in_rotation, 'back in rotation');
    expect(view().operator_pause).toBeNull();
    await waitFor(
      () => [...long, ...short].every((id) => devnet.core.ledger.get(id)?.state === 'completed'),
      'every job completed after the resume',
      30_000,
    );
    expect(view().availability.state).toBe('up');
  }, 90_000);
});
