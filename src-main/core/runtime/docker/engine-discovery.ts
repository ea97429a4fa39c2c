import path from 'node:path';
import { isWsl, type DiscoveryHost } from './discovery-host.js';
import { engineCandidates } from './engine-candidates.js';
import { describeEndpoint, endpointUrl, type DockerEndpoint } from './engine-endpoint.js';
import { identifyEngine, type EngineIdentity } from './engine-identity.js';
import { httpEngineProbe, type EngineProbe, type PingResult } from './engine-ping.js';
import {
  dockerDesktopNotRunning,
  notInstalled,
  notRunning,
  permissionDenied,
  podmanInstead,
  unreachable,
  wslIntegrationOff,
  type EngineProblem,
} from './engine-problems.js';

export interface Attempt {
  endpoint: DockerEndpoint;
  result: PingResult;
}

export type Discovery =
  | {
      ok: true;
      endpoint: DockerEndpoint;
      identity: EngineIdentity;
      /** Set when the only engine found is not the one we need (Podman). */
      warning?: EngineProblem;
      attempts: Attempt[];
    }
  | { ok: false; problem: EngineProblem; attempts: Attempt[] };

export interface DiscoveryOptions {
  host: DiscoveryHost;
  probe?: EngineProbe;
  timeoutMs?: number;
}

/**
 * Finds the Docker engine the way the operator has it, pinging every candidate at once with a
 * short timeout. When none answers, says exactly why (not installed, not running, permission,
 * WSL integration off) and what to do.
 */
export async function discoverEngine(opts: DiscoveryOptions): Promise<Discovery> {
  const { host } = opts;
  const probe = opts.probe ?? httpEngineProbe;
  const timeoutMs = opts.timeoutMs ?? 1500;
  const { endpoints, explicit } = await engineCandidates(host);
  const attempts: Attempt[] = await Promise.all(
    endpoints.map(async (endpoint) => ({
      endpoint,
      result: await probe.ping(endpoint, timeoutMs),
    })),
  );

  let podman: { endpoint: DockerEndpoint; identity: EngineIdentity } | null = null;
  for (const a of attempts) {
    if (!a.result.ok) continue;
    const identity = identifyEngine(await probe.version(a.endpoint, timeoutMs * 2));
    if (identity.product === 'docker')
      return { ok: true, endpoint: a.endpoint, identity, attempts };
    podman ??= { endpoint: a.endpoint, identity };
  }
  if (podman) {
    const warning = podmanInstead(describeEndpoint(podman.endpoint), podman.identity.version);
    return { ok: true, ...podman, warning, attempts };
  }
  return { ok: false, problem: await diagnose(host, attempts, explicit), attempts };
}

async function diagnose(
  host: DiscoveryHost,
  attempts: Attempt[],
  explicit: boolean,
): Promise<EngineProblem> {
  const failed = (a: Attempt) => (a.result.ok ? null : a.result);
  if (explicit) {
    const a = attempts[0];
    const r = a ? failed(a) : null;
    if (a && r?.code === 'EACCES') return permissionDenied(describeEndpoint(a.endpoint));
    return unreachable(a ? endpointUrl(a.endpoint) : '?', r ? r.message : 'not a usable address');
  }
  const denied = attempts.find((a) => failed(a)?.code === 'EACCES');
  if (denied) return permissionDenied(describeEndpoint(denied.endpoint));
  // A socket file that exists but refuses or hangs: the engine is installed and stopped.
  const stale = attempts.find((a) => {
    const code = failed(a)?.code;
    return code === 'ECONNREFUSED' || code === 'TIMEOUT' || code?.startsWith('HTTP_');
  });
  if (stale) {
    return notRunning(describeEndpoint(stale.endpoint), stale.endpoint.source, host.platform);
  }
  if (host.platform === 'win32') {
    if (await dockerDesktopInstalled(host)) return dockerDesktopNotRunning();
    return notInstalled('win32');
  }
  if (await isWsl(host)) {
    if (await host.exists('/mnt/c/Program Files/Docker/Docker/Docker Desktop.exe')) {
      return wslIntegrationOff(host.env.WSL_DISTRO_NAME);
    }
  }
  if (host.platform === 'darwin' && (await host.exists('/Applications/Docker.app'))) {
    return notRunning('~/.docker/run/docker.sock', 'Docker Desktop', 'darwin');
  }
  if (host.platform === 'linux' && (await host.exists('/opt/docker-desktop'))) {
    return notRunning('~/.docker/desktop/docker.sock', 'Docker Desktop', 'linux');
  }
  if (await dockerdInstalled(host)) {
    return notRunning('/var/run/docker.sock', 'Docker', host.platform);
  }
  return notInstalled(host.platform);
}

async function dockerDesktopInstalled(host: DiscoveryHost): Promise<boolean> {
  const programFiles = host.env.ProgramW6432 ?? host.env.ProgramFiles ?? 'C:\\Program Files';
  return host.exists(path.win32.join(programFiles, 'Docker', 'Docker', 'Docker Desktop.exe'));
}

/** The engine daemon, not just the CLI (a lone CLI may be meant for a remote engine). */
async function dockerdInstalled(host: DiscoveryHost): Promise<boolean> {
  const dirs = (host.env.PATH ?? '').split(':').filter(Boolean);
  for (const dir of new Set([...dirs, '/usr/bin', '/usr/sbin', '/usr/local/bin'])) {
    if (await host.exists(path.posix.join(dir, 'dockerd'))) return true;
  }
  return false;
}
