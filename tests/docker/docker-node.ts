import path from 'node:path';
import { composeNode, type ComposedNode } from '../../src-main/core/agent/compose-node.js';
import { systemClock } from '../../src-main/core/clock.js';
import { localProfile } from '../../src-main/core/config/network-profiles.js';
import { NodeIdentity } from '../../src-main/core/identity/node-identity.js';
import type { Logger } from '../../src-main/core/logger.js';
import type { ConfigSnapshot } from '../../src-main/core/protocol/schemas/snapshot.js';
import { createDockerVllmRuntime } from '../../src-main/core/runtime/docker/create-docker-runtime.js';
import type { DockerVllmRuntime } from '../../src-main/core/runtime/docker/docker-vllm-runtime.js';
import type { TransferProgress } from '../../src-main/core/runtime/docker/transfer-progress.js';
import { ensureDataDirs, resolveDataDirs } from '../../src-main/core/store/data-dirs.js';
import { defaultSnapshot } from '../../src-main/devnet/io/default-snapshot.js';
import { startDevnet, type Devnet } from '../../src-main/devnet/io/devnet.js';
import type { RegistrySimImage } from './sim-image-registry.js';

export interface DockerNodeOptions {
  /** A temp folder; the devnet and the node keep their state in `<work>/<name>/`. */
  work: string;
  name: string;
  image: RegistrySimImage;
  logger: Logger;
  agentVersion: string;
  drainTimeoutMs: number;
  /** Whether the operator allows the image's repository (as --allow-runtime-image does). */
  allowImage: boolean;
  /** The runtime's network label (the containers' owner label); 'local' unless said. */
  runtimeNetwork?: string;
  /** Changes to the devnet's snapshot beside the runtime naming the image. */
  snapshot?: (base: ConfigSnapshot) => Partial<ConfigSnapshot>;
  onProgress?: (p: TransferProgress) => void;
  runtimeExtra?: Parameters<typeof createDockerVllmRuntime>[0]['extra'];
}

export interface DockerNode {
  devnet: Devnet;
  node: ComposedNode;
  runtime: DockerVllmRuntime;
  identity: NodeIdentity;
  /** Closes the node, stops its runtime container and closes the devnet. */
  close(): Promise<void>;
}

/**
 * A devnet whose snapshot names the registry's simulated image, and a node composed as in
 * production with the real Docker runtime (no GPU request): not started yet.
 */
export async function dockerNodeOnDevnet(o: DockerNodeOptions): Promise<DockerNode> {
  const base = defaultSnapshot('local');
  const devnet = await startDevnet({
    stateDir: path.join(o.work, o.name, 'devnet'),
    wsPingIntervalMs: 2000,
    initialSnapshot: { ...base, runtime: o.image.runtimeDefinition, ...o.snapshot?.(base) },
  });
  try {
    const dirs = resolveDataDirs(path.join(o.work, o.name, 'node'), 'local');
    await ensureDataDirs(dirs);
    const { runtime } = await createDockerVllmRuntime({
      networkBase: dirs.base,
      network: o.runtimeNetwork ?? 'local',
      clock: systemClock,
      logger: o.logger,
      gpu: 'none',
      simulated: true,
      ...(o.allowImage ? { extraImages: [o.image.repository] } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.runtimeExtra ? { extra: o.runtimeExtra } : {}),
    });
    const identity = NodeIdentity.generate();
    const node = composeNode({
      profile: localProfile(devnet.url, devnet.signerAddress),
      dirs,
      identity,
      runtime,
      logger: o.logger,
      agentVersion: o.agentVersion,
      agentOptions: { drainTimeoutMs: o.drainTimeoutMs, pingIntervalMs: 2000 },
    });
    return {
      devnet,
      node,
      runtime,
      identity,
      close: async () => {
        await node.close('test over');
        await runtime.stop();
        await devnet.close();
      },
    };
  } catch (err) {
    await devnet.close();
    throw err;
  }
}
