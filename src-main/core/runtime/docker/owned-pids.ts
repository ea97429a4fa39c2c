import type Docker from 'dockerode';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { DiscoveryHost } from './discovery-host.js';
import { createDockerClients, type DockerClients } from './docker-clients.js';
import { discoverEngine } from './engine-discovery.js';
import { OWNER_LABEL } from './labels.js';

/** The part of the engine's `top` answer we read (validated: it comes from outside). */
const TopAnswer = z.looseObject({
  Titles: z.array(z.string()),
  Processes: z.array(z.array(z.string())).nullable().optional(),
});

/**
 * Host process IDs of everything running in the node's own containers (label OWNER_LABEL=1,
 * every network and role): `docker top` lists the container's whole process tree as the host
 * sees it, which is what nvidia-smi reports on Linux.
 */
export async function ownedContainerPids(
  api: Pick<Docker, 'listContainers' | 'getContainer'>,
): Promise<Set<number>> {
  const pids = new Set<number>();
  const containers = await api.listContainers({ filters: { label: [`${OWNER_LABEL}=1`] } });
  for (const c of containers) {
    // A container that stops between the list and `top` has no processes left to count.
    const answer: unknown = await api
      .getContainer(c.Id)
      .top()
      .catch(() => null);
    const top = TopAnswer.safeParse(answer);
    const col = top.success ? top.data.Titles.indexOf('PID') : -1;
    if (!top.success || col < 0) continue;
    for (const row of top.data.Processes ?? []) {
      const pid = Number(row[col]);
      if (Number.isInteger(pid) && pid > 0) pids.add(pid);
    }
  }
  return pids;
}

/** How long "no Docker engine here" is believed before looking again. */
const NO_ENGINE_RECHECK_MS = 60_000;

/**
 * `ownedContainerPids` on this machine's engine, found on first use (not at start: only an
 * unknown process on the GPU asks). Without an engine the node has no containers: an empty set.
 */
export function engineOwnedPids(o: {
  host: DiscoveryHost;
  clock: Clock;
}): () => Promise<Set<number>> {
  let clients: DockerClients | null = null;
  let lookedAt: number | null = null;
  return async () => {
    const now = o.clock.now();
    if (!clients && (lookedAt === null || now - lookedAt >= NO_ENGINE_RECHECK_MS)) {
      lookedAt = now;
      const found = await discoverEngine({ host: o.host }).catch(() => null);
      clients = found?.ok
        ? createDockerClients(found.endpoint, { requestTimeoutMs: 10_000 })
        : null;
    }
    return clients ? ownedContainerPids(clients.api) : new Set<number>();
  };
}
