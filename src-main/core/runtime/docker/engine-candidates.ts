import path from 'node:path';
import type { DiscoveryHost } from './discovery-host.js';
import { currentContextEndpoint } from './docker-context.js';
import { parseDockerHost, type DockerEndpoint, type TlsFiles } from './engine-endpoint.js';

export interface Candidates {
  /** In order of preference. */
  endpoints: DockerEndpoint[];
  /** True when DOCKER_HOST chose the engine: then nothing else is tried, as with the docker CLI. */
  explicit: boolean;
}

/**
 * Every place a Docker engine usually answers on this OS, in the order the operator most likely
 * means: DOCKER_HOST, the CLI's current context, then Docker Desktop, the system engine,
 * rootless Docker, Colima, OrbStack, Rancher Desktop, and Podman's sockets last.
 */
export async function engineCandidates(host: DiscoveryHost): Promise<Candidates> {
  const dockerHost = host.env.DOCKER_HOST?.trim();
  if (dockerHost) {
    return {
      endpoints: [parseDockerHost(dockerHost, 'DOCKER_HOST', envTls(host))],
      explicit: true,
    };
  }
  const out: DockerEndpoint[] = [];
  const context = await currentContextEndpoint(host);
  if (context) out.push(context);
  out.push(...wellKnown(host));
  const seen = new Set<string>();
  const endpoints = out.filter((e) => {
    const key = e.kind === 'socket' ? e.path : e.kind === 'tcp' ? `${e.host}:${e.port}` : e.url;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { endpoints, explicit: false };
}

function wellKnown(host: DiscoveryHost): DockerEndpoint[] {
  const sock = (p: string, source: string): DockerEndpoint => ({ kind: 'socket', path: p, source });
  if (host.platform === 'win32') {
    return [
      sock('//./pipe/docker_engine', 'Docker Desktop'),
      sock('//./pipe/dockerDesktopLinuxEngine', 'Docker Desktop'),
      sock('//./pipe/podman-machine-default', 'Podman'),
    ];
  }
  const home = (...parts: string[]) => path.posix.join(host.homedir, ...parts);
  const run = host.uid !== null ? `/run/user/${host.uid}` : null;
  const list: DockerEndpoint[] = [
    sock(home('.docker', 'run', 'docker.sock'), 'Docker Desktop'),
    sock(home('.docker', 'desktop', 'docker.sock'), 'Docker Desktop'),
    sock('/var/run/docker.sock', 'Docker'),
  ];
  if (run) list.push(sock(`${run}/docker.sock`, 'rootless Docker'));
  list.push(
    sock(home('.colima', 'default', 'docker.sock'), 'Colima'),
    sock(home('.colima', 'docker.sock'), 'Colima'),
    sock(home('.orbstack', 'run', 'docker.sock'), 'OrbStack'),
    sock(home('.rd', 'docker.sock'), 'Rancher Desktop'),
  );
  if (run) list.push(sock(`${run}/podman/podman.sock`, 'Podman'));
  list.push(sock('/run/podman/podman.sock', 'Podman'));
  return list;
}

function envTls(host: DiscoveryHost): TlsFiles | null {
  const verify = host.env.DOCKER_TLS_VERIFY === '1';
  const certPath = host.env.DOCKER_CERT_PATH?.trim();
  if (!verify && !certPath) return null;
  const p = host.platform === 'win32' ? path.win32 : path.posix;
  const dir = certPath || p.join(host.homedir, '.docker');
  return {
    ca: p.join(dir, 'ca.pem'),
    cert: p.join(dir, 'cert.pem'),
    key: p.join(dir, 'key.pem'),
    verify,
  };
}
