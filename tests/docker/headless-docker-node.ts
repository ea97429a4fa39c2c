import type Docker from 'dockerode';
import path from 'node:path';
import { ownedFilter } from '../../src-main/core/runtime/docker/labels.js';
import { defaultSnapshot } from '../../src-main/devnet/io/default-snapshot.js';
import { startDevnet, type Devnet } from '../../src-main/devnet/io/devnet.js';
import { HeadlessConfig } from '../../src-main/headless/options.js';
import type { HeadlessNode } from '../../src-main/headless/run-headless.js';
import { freePort } from '../helpers/free-port.js';
import {
  runHeadlessWithDashboard,
  type DashboardLink,
} from '../integration/dashboard-server/headless-bridge.js';
import type { RegistrySimImage } from './sim-image-registry.js';

export interface HeadlessDockerNode {
  devnet: Devnet;
  node: HeadlessNode;
  dash: DashboardLink;
}

/**
 * A devnet whose snapshot names the registry's simulated image, and a node composed as
 * `npm start` composes it (runHeadless) with the Docker runtime without a GPU request, the
 * image allowed as an operator allows it, data in `<work>/node`, the dashboard on a free port.
 */
export async function startHeadlessDockerNode(
  work: string,
  image: RegistrySimImage,
): Promise<HeadlessDockerNode> {
  const devnet = await startDevnet({
    stateDir: path.join(work, 'devnet'),
    wsPingIntervalMs: 2000,
    // 16 slots, 1024 MiB of VRAM kept free by the network.
    initialSnapshot: defaultSnapshot('local', { runtime: image.runtimeDefinition }),
  });
  try {
    const cfg = HeadlessConfig.parse({
      profile: 'local',
      ioUrl: devnet.url,
      networkSigner: devnet.signerAddress,
      runtime: 'docker',
      runtimeGpu: 'none',
      allowRuntimeImages: [image.repository],
      dataDir: path.join(work, 'node'),
      dashboardPort: await freePort(),
      opsPort: 'off',
    });
    const { node, dash } = await runHeadlessWithDashboard(cfg);
    return { devnet, node, dash };
  } catch (err) {
    await devnet.close();
    throw err;
  }
}

/**
 * The running runtime container of the node whose data is under `work` (other suites' nodes
 * share the engine and the 'local' network label): found by its cache mounts.
 */
export async function runningRuntimeContainer(
  engine: Docker,
  work: string,
): Promise<Docker.ContainerInspectInfo | null> {
  const list = await engine.listContainers({ filters: ownedFilter('local') });
  for (const c of list) {
    const info = await engine
      .getContainer(c.Id)
      .inspect()
      .catch(() => null);
    if (info?.State.Running && info.HostConfig.Binds?.some((b) => b.startsWith(work))) return info;
  }
  return null;
}
