import type Docker from 'dockerode';
import type { Discovery } from '../runtime/docker/engine-discovery.js';
import { describeEndpoint } from '../runtime/docker/engine-endpoint.js';
import { checkGpuInContainer } from '../runtime/docker/gpu-container-check.js';
import { check, type SetupCheck } from './setup-check.js';

export function dockerCheck(d: Discovery): SetupCheck {
  if (!d.ok) return check('docker', 'fail', d.problem.detail, d.problem.fix);
  const what =
    d.identity.platformName || (d.identity.product === 'podman' ? 'Podman' : 'Docker Engine');
  const seen =
    `${what} ${d.identity.version ?? ''} answers on ${describeEndpoint(d.endpoint)} (${d.endpoint.source}).`.replace(
      / {2,}/g,
      ' ',
    );
  if (d.warning) return check('docker', 'warn', `${seen} ${d.warning.detail}`, d.warning.fix);
  return check('docker', 'pass', seen);
}

export const TOOLKIT_FIX =
  'Install the NVIDIA Container Toolkit (https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html), ' +
  'run: sudo nvidia-ctk runtime configure --runtime=docker, then restart Docker (sudo systemctl restart docker).';

export interface ToolkitFacts {
  platform: NodeJS.Platform;
  dockerDesktop: boolean;
  /** Runtimes listed by `docker info`. */
  runtimes: string[];
  /** Toolkit programs found on this machine (when the engine runs here). */
  hostPrograms: string[];
}

/** Whether Docker can hand GPUs to containers; the GPU test in a container is the final word. */
export function toolkitCheck(f: ToolkitFacts): SetupCheck {
  if (f.platform === 'win32' || (f.dockerDesktop && f.platform !== 'linux')) {
    return check(
      'container_toolkit',
      'pass',
      'Docker Desktop brings GPU access to containers through WSL 2; no separate toolkit is needed.',
    );
  }
  if (f.runtimes.includes('nvidia')) {
    return check(
      'container_toolkit',
      'pass',
      'The NVIDIA container runtime is registered with Docker.',
    );
  }
  if (f.hostPrograms.length) {
    return check(
      'container_toolkit',
      'pass',
      `NVIDIA Container Toolkit found (${f.hostPrograms.join(', ')}).`,
    );
  }
  return check(
    'container_toolkit',
    'fail',
    'The NVIDIA Container Toolkit was not found, so Docker cannot give containers the GPU.',
    TOOLKIT_FIX,
  );
}

export async function gpuInContainerCheck(
  api: Docker,
  image: string | null,
  driverMajor: number | null,
): Promise<SetupCheck> {
  if (!image) {
    return check(
      'gpu_in_container',
      'unknown',
      'Checked once the runtime image is downloaded (the test runs nvidia-smi inside it).',
    );
  }
  const r = await checkGpuInContainer(api, { image, driverMajor });
  if (r.ok) return check('gpu_in_container', 'pass', `A test container sees: ${r.gpus.join('; ')}`);
  return check('gpu_in_container', 'fail', r.problem.detail, r.problem.fix);
}
