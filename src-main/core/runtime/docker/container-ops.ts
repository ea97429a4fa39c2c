import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../logger.js';
import {
  buildCreateOptions,
  isPortTakenError,
  type ContainerInstance,
  type VllmContainerSpec,
} from './container-spec.js';
import { INSTANCE_LABEL, ownedFilter } from './labels.js';
import type { PortPicker } from './port-picker.js';

/**
 * Removes every container of ours on this network (left by a crash or an older version), but
 * not one another node started on the same engine: with `instance`, only containers carrying
 * that mark or none (an older version's) are removed.
 */
export async function removeStaleContainers(
  api: Docker,
  network: string,
  logger: Logger,
  keepId?: string,
  instance?: string,
): Promise<number> {
  let removed = 0;
  for (const role of ['vllm', 'gpu-check']) {
    const list = await api.listContainers({ all: true, filters: ownedFilter(network, role) });
    for (const c of list) {
      if (c.Id === keepId) continue;
      const mark = c.Labels?.[INSTANCE_LABEL];
      if (instance && mark && mark !== instance) continue;
      await api
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
      removed++;
    }
  }
  if (removed) logger.info(`Removed ${removed} leftover runtime container(s) from an earlier run`);
  return removed;
}

/**
 * Creates and starts a container on a free 127.0.0.1 port with a fresh API key. When the port
 * was taken between picking and binding (another program, another engine), it picks another.
 */
export async function createAndStartContainer(
  api: Docker,
  spec: VllmContainerSpec,
  o: { network: string; pickPort: PortPicker; attempts: number; logger: Logger },
): Promise<{ container: Docker.Container; instance: ContainerInstance }> {
  const avoid = new Set<number>();
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    const instance: ContainerInstance = {
      name: `resultity-vllm-${o.network}-${randomBytes(4).toString('hex')}`,
      hostPort: await o.pickPort(avoid),
      apiKey: randomBytes(32).toString('base64url'),
    };
    const container = await api.createContainer(buildCreateOptions(spec, instance));
    try {
      await container.start();
    } catch (err) {
      await container.remove({ force: true }).catch(() => undefined);
      if (!isPortTakenError(err)) throw err;
      avoid.add(instance.hostPort);
      o.logger.info(`Port ${instance.hostPort} is taken; trying another one`);
      continue;
    }
    return { container, instance };
  }
  throw new Error(`No free local port found after ${o.attempts} tries.`);
}

/** Stops (SIGTERM, then SIGKILL after the timeout, done by Docker) and removes a container. */
export async function stopAndRemove(
  container: Docker.Container,
  graceful: boolean,
  stopTimeoutSec: number,
): Promise<void> {
  if (graceful) {
    await container
      .stop({ t: stopTimeoutSec })
      .catch(ignoreStopped)
      .catch(() => container.kill().catch(() => undefined));
  }
  await container.remove({ force: true }).catch(() => undefined);
}

/** 304 (already stopped) and 404 (gone) are not errors when stopping. */
export function ignoreStopped(err: unknown): void {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 304 || status === 404) return;
  throw err;
}
