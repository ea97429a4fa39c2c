import type Docker from 'dockerode';
import { toolkitCheck } from '../../setup/docker-checks.js';
import type { GpuProbe } from '../gpu/gpu-probe.js';
import { checkGpuInContainer } from './gpu-container-check.js';
import { imageRef, repoDigestsContain } from './image-ref.js';

/** Why the runtime image is not downloaded: plain words, the fix, and the raw error for details. */
export interface GpuGateRefusal {
  ok: false;
  detail: string;
  fix: string;
  /** What the probe, Docker or the test container said, word for word (the details view). */
  raw: string;
}
export type GpuGateResult = { ok: true; detail: string } | GpuGateRefusal;

export interface GpuGateOptions {
  api: Docker;
  probe: () => Promise<GpuProbe>;
  platform: NodeJS.Platform;
  dockerDesktop: boolean;
  /** NVIDIA Container Toolkit programs found on this machine ([] when the engine is elsewhere). */
  hostPrograms: () => Promise<string[]>;
}

const NOT_DOWNLOADED = 'The runtime image (about 25 GB) was not downloaded.';

/**
 * GPU first, download second: before any runtime image is pulled, the NVIDIA driver must see a
 * GPU, Docker must be able to hand it to containers, and, when an image to run it in is already
 * here (the runtime image of an earlier run), a test container must see it. A machine without
 * a usable NVIDIA GPU is told so first, not after minutes of downloading.
 */
export async function checkGpuBeforePull(
  o: GpuGateOptions,
  image: { repository: string; digest: string },
): Promise<GpuGateResult> {
  const gpu = await o.probe().catch((err: unknown): GpuProbe => ({
    available: false,
    code: 'probe_failed',
    reason: `The GPU check failed: ${(err as Error).message}`,
  }));
  if (!gpu.available) {
    return {
      ok: false,
      detail: `This computer has no NVIDIA GPU or driver the runtime can use. ${NOT_DOWNLOADED}`,
      fix:
        gpu.fix ??
        'Install the NVIDIA driver for your GPU (580 or newer), restart the computer and start the node again.',
      raw: gpu.reason,
    };
  }
  const info = (await o.api.info().catch(() => null)) as {
    Runtimes?: Record<string, unknown>;
  } | null;
  const runtimes = Object.keys(info?.Runtimes ?? {});
  const toolkit = toolkitCheck({
    platform: o.platform,
    dockerDesktop: o.dockerDesktop,
    runtimes,
    hostPrograms: await o.hostPrograms(),
  });
  const local = await localImage(o.api, image);
  if (local) {
    // The test container is the proof either way.
    const inContainer = await checkGpuInContainer(o.api, {
      image: local,
      driverMajor: gpu.driverMajor,
    });
    if (inContainer.ok)
      return { ok: true, detail: `A test container sees ${inContainer.gpus.join('; ')}` };
    return {
      ok: false,
      detail: `Docker cannot give containers the NVIDIA GPU: ${inContainer.problem.detail} The runtime was not started.`,
      fix: inContainer.problem.fix,
      raw: inContainer.problem.detail,
    };
  }
  if (toolkit.state === 'fail') {
    return {
      ok: false,
      detail: `Docker cannot give containers the NVIDIA GPU: ${toolkit.detail} ${NOT_DOWNLOADED}`,
      fix: toolkit.fix ?? '',
      raw: `docker info lists the container runtimes: ${runtimes.join(', ') || 'none'}`,
    };
  }
  return {
    ok: true,
    detail: `${toolkit.detail} The NVIDIA driver sees ${gpu.gpus.length} GPU(s).`,
  };
}

async function localImage(
  api: Docker,
  image: { repository: string; digest: string },
): Promise<string | null> {
  const ref = imageRef(image);
  const found = await api
    .getImage(ref)
    .inspect()
    .catch(() => null);
  return found && repoDigestsContain(found.RepoDigests, image.repository, image.digest)
    ? ref
    : null;
}
