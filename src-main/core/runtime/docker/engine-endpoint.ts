/** Where a Docker engine may answer, and who told us to look there. */
export type DockerEndpoint =
  /** A unix socket, or a Windows named pipe (`//./pipe/docker_engine`). */
  | { kind: 'socket'; path: string; source: string }
  | { kind: 'tcp'; host: string; port: number; tls: TlsFiles | null; source: string }
  /** An address we cannot use (ssh://, fd://): reported, never dialled. */
  | { kind: 'unsupported'; url: string; source: string };

export interface TlsFiles {
  ca: string | null;
  cert: string | null;
  key: string | null;
  verify: boolean;
}

/** `unix:///var/run/docker.sock`, `npipe:////./pipe/docker_engine`, `tcp://1.2.3.4:2376`. */
export function parseDockerHost(
  url: string,
  source: string,
  tls: TlsFiles | null = null,
): DockerEndpoint {
  const value = url.trim();
  if (value.startsWith('unix://')) return { kind: 'socket', path: value.slice(7), source };
  if (value.startsWith('npipe://')) {
    // npipe:////./pipe/x → //./pipe/x ; npipe://./pipe/x → //./pipe/x
    const rest = value.slice(8).replace(/^\/*/, '');
    return { kind: 'socket', path: `//${rest}`, source };
  }
  if (value.startsWith('tcp://') || value.startsWith('http://') || value.startsWith('https://')) {
    try {
      const u = new URL(value.replace(/^tcp:/, tls ? 'https:' : 'http:'));
      const port = u.port ? Number(u.port) : tls ? 2376 : 2375;
      return { kind: 'tcp', host: u.hostname, port, tls, source };
    } catch {
      return { kind: 'unsupported', url: value, source };
    }
  }
  if (value.startsWith('/')) return { kind: 'socket', path: value, source };
  return { kind: 'unsupported', url: value, source };
}

/** How an endpoint reads in operator messages. */
export function describeEndpoint(e: DockerEndpoint): string {
  if (e.kind === 'socket') return e.path;
  if (e.kind === 'tcp') return `tcp://${e.host}:${e.port}`;
  return e.url;
}

/** The address as the docker CLI writes it (DOCKER_HOST form). */
export function endpointUrl(e: DockerEndpoint): string {
  if (e.kind === 'socket')
    return e.path.startsWith('//') ? `npipe://${e.path}` : `unix://${e.path}`;
  if (e.kind === 'tcp') return `tcp://${e.host}:${e.port}`;
  return e.url;
}
