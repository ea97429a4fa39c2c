import type Docker from 'dockerode';
import { confinedHostConfig, containerUser } from './container-confinement.js';
import { classifyGpuError, type GpuContainerProblem } from './gpu-errors.js';
import { OWNER_LABEL, ROLE_LABEL } from './labels.js';
import { demuxToText } from './log-stream.js';

/** What `--gpus all` means on the Docker API. */
export const ALL_GPUS: Docker.DeviceRequest[] = [
  { Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] },
];

export type GpuInContainer =
  { ok: true; gpus: string[] } | { ok: false; problem: GpuContainerProblem };

export interface GpuCheckOptions {
  /** A local image to run; the NVIDIA runtime mounts nvidia-smi into any image. */
  image: string;
  driverMajor: number | null;
  timeoutMs?: number;
}

/**
 * The only real proof that containers get the GPU: a throwaway container running
 * `nvidia-smi -L` with the GPU device request. (`docker info` listing an nvidia runtime proves
 * nothing.) Docker's own error text is mapped to a fix the operator can follow.
 */
export async function checkGpuInContainer(
  docker: Docker,
  opts: GpuCheckOptions,
): Promise<GpuInContainer> {
  const fail = (text: string): GpuInContainer => ({
    ok: false,
    problem: classifyGpuError(text, opts.driverMajor) ?? {
      code: 'no_gpu',
      detail: `A test container could not use the GPU: ${text.trim().split('\n').pop() ?? text}`,
      fix: 'Check that "docker run --rm --gpus all <image> nvidia-smi -L" works in a terminal; reinstalling the NVIDIA Container Toolkit and restarting Docker usually fixes it.',
    },
  });
  let container: Docker.Container | null = null;
  const user = containerUser();
  try {
    // Confined like the runtime container, so a pass proves the GPU works under the same rules.
    container = await docker.createContainer({
      Image: opts.image,
      Entrypoint: ['nvidia-smi'],
      Cmd: ['-L'],
      User: `${user.uid}:${user.gid}`,
      Labels: { [OWNER_LABEL]: '1', [ROLE_LABEL]: 'gpu-check' },
      HostConfig: {
        ...confinedHostConfig({ shmBytes: 64 * 1024 ** 2 }),
        DeviceRequests: ALL_GPUS,
        NetworkMode: 'none',
      },
    });
    await container.start();
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const exit = (await Promise.race([
      container.wait(),
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`nvidia-smi did not finish within ${timeoutMs} ms`)),
          timeoutMs,
        ).unref(),
      ),
    ])) as { StatusCode?: number };
    const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as Buffer;
    const output = demuxToText(raw);
    const gpus = output.split('\n').filter((l) => /^GPU \d+:/.test(l.trim()));
    if (exit.StatusCode === 0 && gpus.length > 0) return { ok: true, gpus };
    return fail(output || `nvidia-smi exited with code ${exit.StatusCode}`);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  } finally {
    await container?.remove({ force: true }).catch(() => {});
  }
}
