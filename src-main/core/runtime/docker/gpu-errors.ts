import { CUDA129_MIN_DRIVER, CUDA13_MIN_DRIVER } from '../gpu/driver-compat.js';

export type GpuContainerProblemCode =
  | 'toolkit_missing'
  | 'driver_too_old'
  | 'driver_not_loaded'
  | 'nvml_lost'
  | 'wsl_no_gpu'
  | 'vram_busy'
  | 'no_gpu';

export interface GpuContainerProblem {
  code: GpuContainerProblemCode;
  detail: string;
  fix: string;
}

const TOOLKIT_URL =
  'https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html';

/** The fix for a driver too old for the image, by how old it is. */
export function driverUpgradeFix(driverMajor: number | null): string {
  if (
    driverMajor !== null &&
    driverMajor >= CUDA129_MIN_DRIVER &&
    driverMajor < CUDA13_MIN_DRIVER
  ) {
    return `Update the NVIDIA driver to ${CUDA13_MIN_DRIVER} or newer, or use a vLLM image tagged -cu129, which runs on drivers ${CUDA129_MIN_DRIVER}–579.`;
  }
  return `Update the NVIDIA driver to ${CUDA13_MIN_DRIVER} or newer (CUDA 13 vLLM images need it; the -cu129 images need at least ${CUDA129_MIN_DRIVER}) and restart the computer.`;
}

/**
 * Turns what Docker, the NVIDIA container runtime or vLLM said about the GPU into a problem the
 * operator can fix. Returns null when the text is not about GPU access.
 */
export function classifyGpuError(
  text: string,
  driverMajor: number | null,
): GpuContainerProblem | null {
  if (/could not select device driver .* with capabilities: \[\[gpu\]\]/i.test(text)) {
    return {
      code: 'toolkit_missing',
      detail:
        'Docker cannot give containers the GPU: the NVIDIA Container Toolkit is not installed, or Docker was not restarted after installing it.',
      fix:
        `Install the NVIDIA Container Toolkit (${TOOLKIT_URL}), run: sudo nvidia-ctk runtime configure --runtime=docker, ` +
        'then restart Docker (sudo systemctl restart docker). On Windows, update Docker Desktop and the NVIDIA driver instead: Docker Desktop brings GPU support through WSL 2.',
    };
  }
  const cuda = /unsatisfied condition: cuda>=(\d+)\.(\d+)/i.exec(text);
  if (cuda) {
    return {
      code: 'driver_too_old',
      detail: `The runtime image needs CUDA ${cuda[1]}.${cuda[2]}, which this NVIDIA driver${driverMajor ? ` (${driverMajor})` : ''} does not support.`,
      fix: driverUpgradeFix(driverMajor),
    };
  }
  if (
    /CUDA driver version is insufficient|NVIDIA driver on your system is too old|unsupported display driver \/ cuda driver combination/i.test(
      text,
    )
  ) {
    return {
      code: 'driver_too_old',
      detail: `The NVIDIA driver${driverMajor ? ` (${driverMajor})` : ''} is too old for the CUDA version inside the runtime image.`,
      fix: driverUpgradeFix(driverMajor),
    };
  }
  if (/nvml error: driver not loaded|couldn't communicate with the NVIDIA driver/i.test(text)) {
    return {
      code: 'driver_not_loaded',
      detail: 'The NVIDIA driver is not loaded, so containers cannot use the GPU.',
      fix: 'Restart the computer. If nvidia-smi still fails afterwards, reinstall the NVIDIA driver.',
    };
  }
  if (/WSL environment detected but no adapters were found/i.test(text)) {
    return {
      code: 'wsl_no_gpu',
      detail: 'Docker Desktop runs in WSL 2 but sees no NVIDIA GPU there.',
      fix: 'Install the latest NVIDIA driver for Windows (it brings GPU support to WSL 2), run "wsl --update" in PowerShell, then restart Docker Desktop.',
    };
  }
  if (/Failed to initialize NVML: Unknown Error/i.test(text)) {
    return {
      code: 'nvml_lost',
      detail:
        'A container lost access to the GPU (NVML "Unknown Error"), which happens after systemd reloads its configuration.',
      fix: 'Restart Docker (sudo systemctl restart docker). To stop it happening, set "exec-opts": ["native.cgroupdriver=cgroupfs"] in /etc/docker/daemon.json or update the NVIDIA Container Toolkit.',
    };
  }
  if (
    /Free memory on device .* is less than desired GPU memory utilization|CUDA out of memory/i.test(
      text,
    )
  ) {
    return {
      code: 'vram_busy',
      detail:
        'vLLM could not get the GPU memory it was sized for: another program took VRAM while it started.',
      fix: 'Close games or other GPU-heavy programs, or raise the VRAM headroom in Settings; the node retries on its own.',
    };
  }
  return null;
}
