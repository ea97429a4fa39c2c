// Issue 17: the other-programs trigger on the real Docker engine, on a node composed as
// `npm start` composes it (runHeadless with the Docker runtime and the simulated-runtime image),
// with the fake nvidia-smi first on PATH. The runtime container's own process on the GPU never
// pauses the node (its host PID comes from the engine's `docker top`); a foreign process stops
// the container, and its end starts it again.
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import type { Devnet } from '../../src-main/devnet/io/devnet.js';
import type { HeadlessNode } from '../../src-main/headless/run-headless.js';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';
import { FakeNvidiaSmi } from '../helpers/fake-nvidia-smi.js';
import {
  bridgeClient,
  type DashboardLink,
} from '../integration/dashboard-server/headless-bridge.js';
import { runningRuntimeContainer, startHeadlessDockerNode } from './headless-docker-node.js';
import { workFolderAndSimImage } from './suite-image.js';

const docker = await dockerAvailability();

async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 90_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One command over the dashboard bridge, as the page sends it. */
async function dashboardCall(link: DashboardLink, command: string, arg: unknown) {
  const bridge = await bridgeClient(link, { callTimeoutMs: 30_000 });
  try {
    return await bridge.call(command, arg);
  } finally {
    bridge.close();
  }
}

describe.skipIf(!docker.available)('other GPU work on the real Docker engine', () => {
  const engine: Docker = createDockerClients({
    kind: 'socket',
    path: dockerSocketPath(),
    source: 'test',
  }).api;
  const fake = new FakeNvidiaSmi('driver-580-rtx4090.csv');
  const savedEnv = { ...process.env };
  let devnet: Devnet | undefined;
  let node: HeadlessNode | undefined;
  const suite = workFolderAndSimImage(engine, 'rn-gpu-triggers-', 'sim-vllm-gputrig', async () => {
    await node?.stop('test over');
    await devnet?.close();
    process.env = savedEnv;
    fake.dispose();
  });

  const runtimeContainer = () => runningRuntimeContainer(engine, suite.work);
  /** The runtime's process as nvidia-smi lists it on a real GPU: its host PID. */
  const onGpu = (info: Docker.ContainerInspectInfo) => ({
    pid: info.State.Pid,
    processName: '/usr/bin/python3',
    usedMemoryMb: 20_480,
  });
  const game = { pid: 999_001, processName: '/home/me/.steam/game.x86_64', usedMemoryMb: 7_900 };

  it('ignores the runtime container on the GPU, stops it for a foreign program and starts it again when that is gone', async () => {
    Object.assign(process.env, fake.env());
    let link: DashboardLink;
    ({ devnet, node, dash: link } = await startHeadlessDockerNode(suite.work, suite.image));
    const agent = node.node.agent;
    await until(() => agent.state().name === 'active', 'the node to serve', 180_000);
    const first = (await runtimeContainer())!;
    fake.setComputeApps([onGpu(first)]);
    const pauseWhen = { ...node.service.currentSettings().pauseWhen, otherGpuWork: true };
    expect((await dashboardCall(link, 'updateSettings', { pauseWhen })).error).toBeUndefined();

    // Our own runtime on the GPU: several polls (3 s each), never a pause.
    await new Promise((r) => setTimeout(r, 10_000));
    expect(node.kit.pauses.dto().requests).toEqual([]);
    expect((await runtimeContainer())?.Id).toBe(first.Id);

    // A game starts: the container is stopped (its process may linger on the GPU a moment).
    const trigger = Date.now();
    fake.setComputeApps([onGpu(first), game]);
    await until(async () => (await runtimeContainer()) === null, 'the runtime stopped', 60_000);
    const stoppedAfterMs = Date.now() - trigger;
    console.log(
      `runtime container stopped ${(stoppedAfterMs / 1000).toFixed(1)} s after the game appeared`,
    );
    expect(node.kit.pauses.dto().headline).toBe(
      'Paused — game.x86_64 is using the GPU, resumes when it closes',
    );

    // The game ends (and our old process is gone): after the settle delay the runtime is back.
    fake.setComputeApps([game]);
    await new Promise((r) => setTimeout(r, 4_000));
    fake.setComputeApps([]);
    await until(
      async () => (await runtimeContainer()) !== null,
      'the runtime started again',
      120_000,
    );
    await until(() => agent.operatorPause.report().phase === 'serving', 'serving again', 120_000);
    const second = (await runtimeContainer())!;

    // The new container's process on the GPU is ours too: no second pause.
    fake.setComputeApps([onGpu(second)]);
    await new Promise((r) => setTimeout(r, 10_000));
    expect(node.kit.pauses.dto().requests).toEqual([]);
    // Still serving (not compared by container ID: another suite's node on this shared engine
    // may clean up 'local' containers, and the runtime then recreates its own).
    expect(node.kit.pauses.dto().phase).toBe('serving');
  }, 480_000);
});
