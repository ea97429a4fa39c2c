import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeUpdateReport } from '../../../src-main/core/protocol/index.js';
import type { Devnet } from '../../../src-main/devnet/io/devnet.js';
import type { SimRuntime } from '../../../src-main/devnet/sim-runtime/index.js';
import { Admin } from '../devnet/harness.js';
import {
  NodeIdentity,
  startNetwork,
  startNode,
  waitFor,
  type RunningNode,
} from './node-on-devnet.js';

const OLD = `sha256:${'0'.repeat(64)}`;
const image = (id: string, digest: string) => ({
  id,
  repository: 'vllm/vllm-openai',
  tag: id,
  digest,
});

/**
 * updates.runtime through the node's composition on the devnet: the admin API publishes a
 * snapshot naming a new image digest, the node switches (the in-process simulator downloads
 * nothing) after a test completion, and heartbeats carry `runtime_update` to the network.
 */
describe('runtime updates on the devnet', () => {
  let dir: string;
  let devnet: Devnet;
  let sim: SimRuntime;
  let admin: Admin;
  let running: RunningNode;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rn-runtime-update-'));
    ({ devnet, sim } = await startNetwork(dir));
    admin = new Admin(devnet.url, devnet.adminToken);
    running = await startNode(join(dir, 'node'), NodeIdentity.generate(), devnet, sim);
    await waitFor(() => running.node.agent.state().name === 'active', 'the node to be active');
  }, 30_000);

  afterAll(async () => {
    await running?.stop();
    await sim?.close();
    await devnet?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const reported = () =>
    devnet.core.registry.get(running.node.agent.nodeId)?.lastHeartbeat?.runtime_update as
      RuntimeUpdateReport | undefined;

  async function publish(digest: string, images: ReturnType<typeof image>[]) {
    await admin.post('/v1/admin/snapshot', {
      merge: { runtime: { images }, updates: { runtime: { image_digest: digest } } },
    });
  }

  it('switches to the digest the network names and reports done in a heartbeat', async () => {
    const next = `sha256:${'1'.repeat(64)}`;
    await publish(next, [image('old', OLD), image('new', next)]);
    await waitFor(() => reported()?.state === 'done', 'runtime_update done', 20_000);
    expect(reported()).toMatchObject({ digest: next, state: 'done' });
    expect(running.node.agent.config.runtimeUpdates?.report()?.state).toBe('done');
    expect(running.node.agent.state().name).toBe('active');
    const logs = running.logs.map((l) => l.message).join('\n');
    expect(logs).toMatch(/Runtime update: no job is running; starting the new image/);
  });

  it('rolls back when the test completion on the new image fails, and keeps serving', async () => {
    const prev = `sha256:${'1'.repeat(64)}`;
    const broken = `sha256:${'2'.repeat(64)}`;
    sim.applyFault({ fault: 'error-rate', rate: 1 });
    try {
      await publish(broken, [image('new', prev), image('broken', broken)]);
      await waitFor(
        () => reported()?.state === 'rolled_back',
        'runtime_update rolled_back',
        20_000,
      );
    } finally {
      sim.applyFault({ fault: 'clear' });
    }
    expect(reported()).toMatchObject({ digest: broken, state: 'rolled_back' });
    expect(reported()?.error).toMatch(/test inference on the new image failed/);
    // The configuration stays applied; the node serves jobs on the previous image.
    expect(running.node.agent.configStatus().state).toBe('ok');
    const [id] = devnet.submitJobs({ count: 1, max_tokens: 8 });
    await waitFor(
      () => devnet.core.ledger.counters.jobs_completed >= 1,
      `job ${id} completed after the roll-back`,
      20_000,
    );
  });

  it('refuses a digest the snapshot does not list, saying why', async () => {
    const unlisted = `sha256:${'3'.repeat(64)}`;
    await publish(unlisted, [image('new', `sha256:${'1'.repeat(64)}`)]);
    await waitFor(() => reported()?.state === 'refused', 'runtime_update refused', 20_000);
    expect(reported()?.error).toMatch(/lists no runtime image with that digest/);
  });
});
