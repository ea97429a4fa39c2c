import type Docker from 'dockerode';
import path from 'node:path';
import { createDockerClients, type DockerClients } from '../runtime/docker/docker-clients.js';
import type { DiscoveryHost } from '../runtime/docker/discovery-host.js';
import {
  nodeFreeSpace,
  VLLM_IMAGE_DISK_BYTES,
  type FreeSpaceFn,
} from '../runtime/docker/disk-space.js';
import { discoverEngine } from '../runtime/docker/engine-discovery.js';
import type { DockerEndpoint } from '../runtime/docker/engine-endpoint.js';
import type { EngineProbe } from '../runtime/docker/engine-ping.js';
import { imageRef, repoDigestsContain } from '../runtime/docker/image-ref.js';
import type { GpuProbe } from '../runtime/gpu/gpu-probe.js';
import { diskCheck, type DiskNeed } from './disk-check.js';
import { dockerCheck, gpuInContainerCheck, toolkitCheck } from './docker-checks.js';
import { driverCheck, vramCheck } from './gpu-checks.js';
import { check, type SetupCheck } from './setup-check.js';

export interface DoctorOptions {
  host: DiscoveryHost;
  engineProbe?: EngineProbe;
  probeGpu: () => Promise<GpuProbe>;
  clientsFor?: (endpoint: DockerEndpoint) => DockerClients;
  /** Approved runtime images; one present locally runs the GPU-in-container test. */
  runtimeImages: ReadonlyArray<{ repository: string; digest: string }>;
  /** The node's data folder (models go there). */
  dataDir: string;
  modelBytes: number;
  modelMinVramMb: number | null;
  headroomMb: number;
  freeSpace?: FreeSpaceFn;
}

export const TOOLKIT_PROGRAMS = [
  'nvidia-container-runtime-hook',
  'nvidia-ctk',
  'nvidia-container-cli',
];

/**
 * The setup "doctor": Docker, NVIDIA driver, container toolkit, GPU inside a container, VRAM
 * headroom and disk space, each with plain words and a fix. Never throws: a check that cannot
 * run says so.
 */
export async function runSetupChecks(o: DoctorOptions): Promise<SetupCheck[]> {
  const [discovery, gpu] = await Promise.all([
    discoverEngine({ host: o.host, ...(o.engineProbe ? { probe: o.engineProbe } : {}) }),
    o.probeGpu(),
  ]);
  const checks: SetupCheck[] = [dockerCheck(discovery), driverCheck(gpu)];
  let api: Docker | null = null;
  let info: { Runtimes?: Record<string, unknown>; DockerRootDir?: string } | null = null;
  if (discovery.ok) {
    api = (o.clientsFor ?? createDockerClients)(discovery.endpoint).api;
    info = await api.info().catch(() => null);
  }
  const local =
    discovery.ok &&
    discovery.endpoint.kind === 'socket' &&
    o.host.platform === 'linux' &&
    !discovery.identity.dockerDesktop;

  if (!api) {
    checks.push(check('container_toolkit', 'unknown', 'Needs Docker first.'));
    checks.push(check('gpu_in_container', 'unknown', 'Needs Docker first.'));
  } else if (!gpu.available) {
    checks.push(check('container_toolkit', 'unknown', 'Needs an NVIDIA GPU first.'));
    checks.push(check('gpu_in_container', 'unknown', 'Needs an NVIDIA GPU first.'));
  } else {
    const hostPrograms = local ? await findPrograms(o.host, TOOLKIT_PROGRAMS) : [];
    const toolkit = toolkitCheck({
      platform: o.host.platform,
      dockerDesktop: discovery.ok && discovery.identity.dockerDesktop,
      runtimes: Object.keys(info?.Runtimes ?? {}),
      hostPrograms,
    });
    const inContainer = await gpuInContainerCheck(
      api,
      await localImage(api, o.runtimeImages),
      gpu.driverMajor,
    ).catch((err) =>
      check('gpu_in_container', 'fail', `The GPU test container could not run: ${String(err)}`),
    );
    // The container test is the proof: it overrides what the files suggest.
    if (inContainer.state === 'pass' && toolkit.state !== 'pass')
      checks.push({
        ...toolkit,
        state: 'pass',
        detail: 'Containers get the GPU (proved by the test container).',
        fix: undefined,
      });
    else if (inContainer.state === 'fail' && /Container Toolkit/.test(inContainer.fix ?? ''))
      checks.push({ ...toolkit, state: 'fail', detail: inContainer.detail, fix: inContainer.fix });
    else checks.push(toolkit);
    checks.push(inContainer);
  }
  checks.push(vramCheck(gpu, o.headroomMb, o.modelMinVramMb));

  const needs: DiskNeed[] = [{ path: o.dataDir, what: 'the models', bytes: o.modelBytes }];
  if (local && info?.DockerRootDir)
    needs.push({
      path: info.DockerRootDir,
      what: 'the runtime image',
      bytes: VLLM_IMAGE_DISK_BYTES,
    });
  checks.push(await diskCheck(needs, existingParent(o.freeSpace ?? nodeFreeSpace)));
  return checks;
}

async function localImage(
  api: Docker,
  images: DoctorOptions['runtimeImages'],
): Promise<string | null> {
  for (const image of images) {
    const ref = imageRef(image);
    const found = await api
      .getImage(ref)
      .inspect()
      .catch(() => null);
    if (found && repoDigestsContain(found.RepoDigests, image.repository, image.digest)) return ref;
  }
  return null;
}

export async function findPrograms(host: DiscoveryHost, names: string[]): Promise<string[]> {
  const dirs = [
    ...new Set([...(host.env.PATH ?? '').split(':').filter(Boolean), '/usr/bin', '/usr/local/bin']),
  ];
  const found: string[] = [];
  for (const name of names) {
    for (const dir of dirs) {
      if (await host.exists(path.posix.join(dir, name))) {
        found.push(name);
        break;
      }
    }
  }
  return found;
}

/** The data folder may not exist yet: measure the nearest folder that does. */
function existingParent(freeSpace: FreeSpaceFn): FreeSpaceFn {
  return async (p) => {
    let dir = p;
    for (;;) {
      try {
        return await freeSpace(dir);
      } catch (err) {
        const parent = path.dirname(dir);
        if (parent === dir) throw err;
        dir = parent;
      }
    }
  };
}
