export type EngineProblemCode =
  | 'not_installed'
  | 'not_running'
  | 'docker_desktop_not_running'
  | 'wsl_integration_off'
  | 'permission_denied'
  | 'podman'
  | 'unreachable';

/** What is wrong with the Docker engine and what the operator should do, in plain words. */
export interface EngineProblem {
  code: EngineProblemCode;
  detail: string;
  fix: string;
}

export class DockerEngineError extends Error {
  override readonly name = 'DockerEngineError';
  constructor(readonly problem: EngineProblem) {
    super(`${problem.detail} ${problem.fix}`);
  }
  get code(): EngineProblemCode {
    return this.problem.code;
  }
}

const DOCKER_DESKTOP_URL = 'https://www.docker.com/products/docker-desktop/';
const ENGINE_URL = 'https://docs.docker.com/engine/install/';

export function notInstalled(platform: NodeJS.Platform): EngineProblem {
  if (platform === 'linux') {
    return {
      code: 'not_installed',
      detail: 'Docker is not installed: no Docker engine was found on this computer.',
      fix: `Install Docker Engine (${ENGINE_URL}) and the NVIDIA Container Toolkit, then start it with: sudo systemctl enable --now docker`,
    };
  }
  return {
    code: 'not_installed',
    detail: 'Docker Desktop is not installed: no Docker engine was found on this computer.',
    fix:
      platform === 'win32'
        ? `Install Docker Desktop (${DOCKER_DESKTOP_URL}) with the WSL 2 backend, start it, then press Retry.`
        : `Install Docker Desktop (${DOCKER_DESKTOP_URL}) and start it.`,
  };
}

export function notRunning(
  where: string,
  source: string,
  platform: NodeJS.Platform,
): EngineProblem {
  const desktop = /desktop|colima|orbstack|rancher/i.test(source) || platform !== 'linux';
  return {
    code: 'not_running',
    detail: `Docker is installed but its engine is not running (nothing answers on ${where}).`,
    fix: desktop
      ? `Start ${source === 'Docker' ? 'Docker Desktop' : source} and wait until it shows that the engine is running, then press Retry.`
      : 'Start it with: sudo systemctl start docker (and sudo systemctl enable docker to start it at every boot).',
  };
}

export function dockerDesktopNotRunning(): EngineProblem {
  return {
    code: 'docker_desktop_not_running',
    detail:
      'Docker Desktop is installed but its engine is not answering on //./pipe/docker_engine.',
    fix:
      "Start Docker Desktop and wait until it shows 'Engine running'. If it does not start: install WSL 2 " +
      "(run 'wsl --install' in an administrator PowerShell), turn on Settings → General → 'Use the WSL 2 " +
      "based engine' in Docker Desktop, and restart Windows.",
  };
}

export function wslIntegrationOff(distro: string | undefined): EngineProblem {
  const name = distro ? `'${distro}'` : 'this distribution';
  return {
    code: 'wsl_integration_off',
    detail: `Docker Desktop is installed on Windows but is not available inside this WSL distribution (${distro ?? 'unknown'}).`,
    fix: `Open Docker Desktop → Settings → Resources → WSL integration, turn it on for ${name}, click 'Apply & restart', then press Retry.`,
  };
}

export function permissionDenied(where: string): EngineProblem {
  return {
    code: 'permission_denied',
    detail: `Docker is running, but your user may not use it (permission denied on ${where}).`,
    fix: 'Add your user to the docker group: sudo usermod -aG docker $USER — then log out and log in again (or restart) so the change takes effect.',
  };
}

export function podmanInstead(where: string, version: string | null): EngineProblem {
  return {
    code: 'podman',
    detail:
      `The engine answering on ${where} is Podman${version ? ` ${version}` : ''}, posing as Docker. ` +
      "Resultity Node needs Docker: GPU containers through Podman's Docker-compatible API are not supported.",
    fix: 'Install Docker Engine with the NVIDIA Container Toolkit (Linux) or Docker Desktop (Windows) and start it; if both are installed, set DOCKER_HOST to the Docker socket.',
  };
}

export function unreachable(url: string, reason: string): EngineProblem {
  return {
    code: 'unreachable',
    detail: `DOCKER_HOST is set to ${url}, but no Docker engine answers there (${reason}).`,
    fix: 'Start the engine at that address, or remove DOCKER_HOST from the environment to use the local Docker.',
  };
}
