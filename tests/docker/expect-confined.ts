import type Docker from 'dockerode';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import { dockerSocketPath } from '../helpers/env.js';
import { probeInside } from './container-probe.js';

/**
 * Confinement of a runtime container, from the engine's record and from inside the running
 * container. `shmMarker` names a file the test wrote in the host's /dev/shm: a container sharing
 * the host's IPC namespace would see it.
 */
export async function expectConfined(info: Docker.ContainerInspectInfo, shmMarker: string) {
  const h = info.HostConfig;
  expect(h).toMatchObject({
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges:true'],
    PidsLimit: 4096,
    ReadonlyRootfs: true,
    IpcMode: 'private',
    ShmSize: 8 * 1024 ** 3,
    Privileged: false,
  });
  expect(h.CapAdd ?? null).toBeNull();
  expect(Object.keys(h.Tmpfs ?? {})).toEqual(['/tmp']);
  const [uid] = info.Config.User.split(':').map(Number);
  expect(uid).toBeGreaterThan(0);

  const docker = createDockerClients({ kind: 'socket', path: dockerSocketPath(), source: 'test' });
  const inside = await probeInside(docker.api.getContainer(info.Id), [
    '/app',
    '/tmp',
    '/cache/huggingface',
    '/cache/vllm',
  ]);
  for (const status of [inside.main, inside.probe]) {
    expect(status.CapEff).toBe('0000000000000000');
    expect(status.CapPrm).toBe('0000000000000000');
    expect(status.CapBnd).toBe('0000000000000000');
    expect(status.NoNewPrivs).toBe('1');
    expect(status.Uid).toBe(`${uid} ${uid} ${uid} ${uid}`);
  }
  // The host's /dev/shm is not shared: our marker file there is not visible inside.
  expect(existsSync(path.join('/dev/shm', shmMarker))).toBe(true);
  expect(inside.shmEntries).not.toContain(shmMarker);
  // A read-only image and read-only weights; /tmp and the compile cache take writes.
  expect(inside.writes).toEqual({
    '/app': 'EROFS',
    '/tmp': 'ok',
    '/cache/huggingface': 'EROFS',
    '/cache/vllm': 'ok',
  });
  if (inside.pidsMax !== null) expect(inside.pidsMax).toBe('4096');
  return inside;
}
