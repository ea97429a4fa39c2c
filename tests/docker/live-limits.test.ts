// Issue 12 item 2, live: "Most jobs at once" changed while the node runs, through the dashboard's
// own command (updateSettings over the headless dashboard bridge), on a node composed as
// `npm start` composes it (runHeadless: composeNodeKit, the Docker runtime, the model store)
// against a devnet, with the simulated-runtime image on the real engine. Running jobs make the
// change wait for a confirmation; confirmed, the runtime container is recreated with the new
// --max-num-seqs and the network sees the new max_concurrency.
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import { PLAN_LABEL } from '../../src-main/core/runtime/docker/labels.js';
import type { Devnet } from '../../src-main/devnet/io/devnet.js';
import type { HeadlessNode } from '../../src-main/headless/run-headless.js';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';
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

describe.skipIf(!docker.available)('live limits on the real Docker engine', () => {
  const engine: Docker = createDockerClients({
    kind: 'socket',
    path: dockerSocketPath(),
    source: 'test',
  }).api;
  let devnet: Devnet | undefined;
  let node: HeadlessNode | undefined;
  const suite = workFolderAndSimImage(engine, 'rn-live-limits-', 'sim-vllm-limits', async () => {
    await node?.stop('test over');
    await devnet?.close();
  });

  const runtimeContainer = () => runningRuntimeContainer(engine, suite.work);
  const flag = (info: Docker.ContainerInspectInfo, name: string) =>
    info.Config.Cmd[info.Config.Cmd.indexOf(name) + 1];

  async function announced(): Promise<number | null> {
    const id = node!.node.agent.nodeId;
    const res = await fetch(`${devnet!.url}/v1/admin/nodes/${id}`, {
      headers: { authorization: `Bearer ${devnet!.adminToken}` },
    });
    const view = (await res.json()) as { session: { max_concurrency: number } | null };
    return view.session?.max_concurrency ?? null;
  }

  it('a new cap asks for a confirmation under running jobs, then recreates the container with the new --max-num-seqs and announces it; a headroom above the network’s restarts it, one below does not', async () => {
    let link: DashboardLink;
    ({ devnet, node, dash: link } = await startHeadlessDockerNode(suite.work, suite.image));
    const agent = node.node.agent;
    await until(() => agent.state().name === 'active', 'the node to serve', 180_000);

    const first = (await runtimeContainer())!;
    expect(flag(first, '--max-num-seqs')).toBe('16');
    // 16 slots + a window of 2 (PROTOCOL.md "Advertised concurrency and runtime slots").
    await until(async () => (await announced()) === 18, 'max_concurrency 18 at the devnet');

    devnet.submitJobs({ count: 2, max_tokens: 1000 });
    await until(() => agent.counters().in_flight === 2, 'two jobs running');
    const dash = await bridgeClient(link, { callTimeoutMs: 30_000 });
    try {
      const refused = await dash.call('updateSettings', { maxConcurrentJobs: 4 });
      expect(refused.error).toMatchObject({ code: 'confirm_restart' });
      expect(refused.error?.message).toMatch(/2 jobs are running/);
      // Nothing changed: the setting, the container, the announcement.
      expect(node.service.currentSettings().maxConcurrentJobs).toBeNull();
      expect((await runtimeContainer())?.Id).toBe(first.Id);
      expect(await announced()).toBe(18);

      const saved = await dash.call('updateSettings', {
        maxConcurrentJobs: 4,
        confirmRestart: true,
      });
      expect(saved.result).toMatchObject({ maxConcurrentJobs: 4 });
      await until(
        async () => ((await runtimeContainer())?.Id ?? first.Id) !== first.Id,
        'the runtime container to be recreated',
        120_000,
      );
      const second = (await runtimeContainer())!;
      expect(flag(second, '--max-num-seqs')).toBe('4');
      await until(() => agent.state().name === 'active', 'serving again', 120_000);
      // An operator cap is announced exactly, without a window.
      await until(async () => (await announced()) === 4, 'max_concurrency 4 at the devnet');
      // The jobs cut by the restart are given again and served by the new container.
      await until(
        () => devnet!.core.ledger.counters.jobs_completed === 2,
        'the two jobs completed',
        120_000,
      );

      // Back to the network's number, with nothing running: no confirmation, 16 slots again.
      const lifted = await dash.call('updateSettings', { maxConcurrentJobs: null });
      expect(lifted.result).toMatchObject({ maxConcurrentJobs: null });
      await until(
        async () => {
          const c = await runtimeContainer();
          return !!c && c.Id !== second.Id && flag(c, '--max-num-seqs') === '16';
        },
        'the container recreated with 16 slots',
        120_000,
      );
      await until(async () => (await announced()) === 18, 'max_concurrency 18 again');
      await until(() => agent.state().name === 'active', 'serving with 16 slots', 120_000);
      const third = (await runtimeContainer())!;

      // "VRAM kept free" below the network's 1024 MiB changes nothing: no restart.
      const below = await dash.call('updateSettings', { gpuMemoryHeadroomMb: 512 });
      expect(below.result).toMatchObject({ gpuMemoryHeadroomMb: 512 });
      await new Promise((r) => setTimeout(r, 3000));
      expect((await runtimeContainer())?.Id).toBe(third.Id);
      // Above it, the runtime is recreated for the new plan. This container has no GPU, so its
      // --gpu-memory-utilization stays the default; gpu-fleet.test.ts reads a GPU's share.
      const above = await dash.call('updateSettings', { gpuMemoryHeadroomMb: 4096 });
      expect(above.result).toMatchObject({ gpuMemoryHeadroomMb: 4096 });
      await until(
        async () => ((await runtimeContainer())?.Id ?? third.Id) !== third.Id,
        'the runtime container recreated for the new headroom',
        120_000,
      );
      const fourth = (await runtimeContainer())!;
      expect(fourth.Config.Labels[PLAN_LABEL]).not.toBe(third.Config.Labels[PLAN_LABEL]);
      await until(() => agent.state().name === 'active', 'serving again', 120_000);
    } finally {
      dash.close();
    }
  }, 600_000);
});
