// Issue 17: the GPU-driven pause triggers through the production composition (runHeadless, as
// `npm start` composes it) on the in-process devnet and simulated runtime, with the fake
// nvidia-smi first on PATH answering from a scenario this test rewrites.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PauseTriggersDto } from '../../../src-main/contract/index.js';
import { HeadlessConfig } from '../../../src-main/headless/options.js';
import type { HeadlessNode } from '../../../src-main/headless/run-headless.js';
import { bridgeClient, runHeadlessWithDashboard } from '../dashboard-server/headless-bridge.js';
import { FakeNvidiaSmi } from '../../helpers/fake-nvidia-smi.js';
import { networkOfNode } from './network-view.js';
import { waitFor } from './node-on-devnet.js';

let root: string;
let node: HeadlessNode;
let dash: { port: number; token: string };
let admin: { url: string; token: string };
const fake = new FakeNvidiaSmi('driver-580-rtx4090.csv');
const savedEnv = { ...process.env };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gpu-triggers-'));
  // The node's GPU probe, sampler and process list all find the fake nvidia-smi on PATH.
  Object.assign(process.env, fake.env());
  const started = await runHeadlessWithDashboard(
    HeadlessConfig.parse({ dataDir: join(root, 'data') }),
  );
  ({ node, dash } = started);
  admin = started.admin!;
}, 60_000);

afterAll(async () => {
  await node?.stop('test over');
  process.env = savedEnv;
  fake.dispose();
  await rm(root, { recursive: true, force: true });
});

interface NetworkView {
  in_rotation: boolean;
  operator_pause: { reason: string; sources: string[] } | null;
  availability: { state: string };
  session: { accepting: boolean; max_concurrency: number } | null;
  in_flight: number;
  last_heartbeat: { power_envelope?: Record<string, unknown> } | null;
}
const network = networkOfNode<NetworkView>(
  () => admin,
  () => node.node.agent.nodeId,
);

const pauseWhen = (change: Partial<PauseTriggersDto>): PauseTriggersDto => ({
  otherGpuWork: false,
  fullscreen: false,
  userActive: { enabled: false, idleMinutes: 5 },
  schedule: { enabled: false, windows: [] },
  thermal: { enabled: false, maxTempC: 83 },
  power: { enabled: false, capW: null },
  ...change,
});

describe('GPU pause triggers in the headless node', () => {
  it('another program on the GPU pauses the node (the network sees it paused and sends no job) and it resumes once the program is gone', async () => {
    const agent = node.node.agent;
    await waitFor(() => agent.state().name === 'active', 'active', 45_000);
    await waitFor(() => node.kit.gpu.state().available, 'the fake GPU found');
    const c = await bridgeClient(dash);
    const saved = await c.call('updateSettings', { pauseWhen: pauseWhen({ otherGpuWork: true }) });
    expect(saved.error).toBeUndefined();

    // Headless default is off; now on. Blender starts rendering on the GPU.
    fake.setComputeApps([{ pid: 424242, processName: '/opt/blender/blender', usedMemoryMb: 6144 }]);
    await waitFor(() => agent.operatorPause.report().phase === 'paused', 'paused', 30_000);
    expect(node.kit.pauses.dto()).toMatchObject({
      headline: 'Paused — blender is using the GPU, resumes when it closes',
      requests: [{ source: 'foreign-gpu-process' }],
    });
    const paused = await network.until('the pause', (v) => v.operator_pause !== null);
    expect(paused).toMatchObject({
      in_rotation: false,
      operator_pause: { reason: 'blender is using the GPU', sources: ['foreign-gpu-process'] },
      availability: { state: 'operator_paused' },
    });
    const done = agent.counters().completed_total;
    await network.submit(3);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await network.view()).in_flight).toBe(0);
    expect(agent.counters().completed_total).toBe(done);

    // Blender closes: after the settle delay the node resumes and takes the queued jobs.
    fake.setComputeApps([]);
    await waitFor(() => agent.operatorPause.report().phase === 'serving', 'resumed', 60_000);
    await network.until('back in rotation', (v) => v.in_rotation && v.operator_pause === null);
    await waitFor(
      () => agent.counters().completed_total >= done + 3,
      'the queued jobs served',
      30_000,
    );
    c.ws.close();
  }, 150_000);

  it('over the temperature ceiling the node announces fewer jobs at once and reports its envelope', async () => {
    const c = await bridgeClient(dash);
    await c.call('updateSettings', {
      pauseWhen: pauseWhen({ thermal: { enabled: true, maxTempC: 83 } }),
    });
    const before = await network.until('an open session', (v) => v.session?.accepting === true);
    const full = before.session!.max_concurrency;
    await network.until(
      'the envelope',
      (v) => v.last_heartbeat?.power_envelope?.temperature_ceiling_c === 83,
      30_000,
    );
    fake.setGpus({ temperatureC: 88 });
    const hot = await network.until(
      'fewer jobs at once',
      (v) => v.session !== null && v.session.max_concurrency < full,
    );
    const reduced = hot.session!.max_concurrency;
    expect(hot.in_rotation).toBe(true); // still serving: a pause comes only if it stays hot
    await network.until(
      'the reduced figure in the envelope',
      (v) => v.last_heartbeat?.power_envelope?.reduced_concurrency === reduced,
      30_000,
    );
    expect((await network.view()).last_heartbeat?.power_envelope).toMatchObject({
      temperature_ceiling_c: 83,
      power_cap_w: null,
      driver_power_limit_w: 450,
    });
    c.ws.close();
  }, 90_000);
});
