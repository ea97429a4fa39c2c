import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { createRequire } from 'node:module';
import type { DockerEndpoint } from './engine-endpoint.js';

/**
 * Two clients on one engine. `api` has a request timeout for ordinary calls; `stream` has NONE,
 * for pulls, logs, events and wait: docker-modem's `timeout` is an idle timeout on the socket,
 * so it would cut a log stream that is quiet for a while or a pull stalled on a big layer.
 */
export interface DockerClients {
  api: Docker;
  stream: Docker;
  endpoint: DockerEndpoint;
}

let dockerode: typeof Docker | null = null;

/**
 * dockerode (with ssh2 and its crypto) costs ~34 MB of RSS: load it on first use, so a node
 * that never talks to Docker (external or simulated runtime) does not carry it.
 */
function loadDockerode(): typeof Docker {
  // ESM (source, headless bundle) has import.meta.url; the CommonJS Electron main bundle has
  // no import.meta but a real `require` (in ESM bundles esbuild's `require` shim only throws).
  const url = (import.meta as { url?: string }).url;
  const load = url ? createRequire(url) : require;
  if (dockerode) return dockerode;
  const guard = refuseNativeAddons();
  try {
    return (dockerode = load('dockerode') as typeof Docker);
  } finally {
    guard?.deregister();
  }
}

/**
 * ssh2 (under docker-modem) loads two optional native addons when an install script managed to
 * compile them: its crypto binding and cpu-features. Both sit in try/catch with a JavaScript
 * fallback, and the node never dials Docker over ssh:// at all, so refuse them while dockerode
 * loads: no compiled code from npm runs in the node, from a checkout or from the installed app
 * (which does not ship them). `module.registerHooks` exists from Node 22.15; an older runtime
 * skips the guard.
 */
const NATIVE_OPTIONALS = /^(cpu-features|\.\/crypto\/build\/Release\/sshcrypto\.node)$/;
function refuseNativeAddons(): { deregister(): void } | undefined {
  const register = (nodeModule as Partial<typeof nodeModule>).registerHooks;
  return register?.({
    resolve(specifier, context, next) {
      if (NATIVE_OPTIONALS.test(specifier)) {
        throw Object.assign(new Error(`${specifier} is not loaded by the node`), {
          code: 'MODULE_NOT_FOUND',
        });
      }
      return next(specifier, context);
    },
  });
}

export function createDockerClients(
  endpoint: DockerEndpoint,
  opts: { requestTimeoutMs?: number } = {},
): DockerClients {
  const base = dockerodeOptions(endpoint);
  const Docker = loadDockerode();
  return {
    api: new Docker({ ...base, timeout: opts.requestTimeoutMs ?? 60_000 }),
    stream: new Docker({ ...base }),
    endpoint,
  };
}

function dockerodeOptions(endpoint: DockerEndpoint): Docker.DockerOptions {
  if (endpoint.kind === 'socket') return { socketPath: endpoint.path };
  if (endpoint.kind === 'tcp') {
    if (!endpoint.tls) return { host: endpoint.host, port: endpoint.port, protocol: 'http' };
    const read = (f: string | null) => (f ? readFileSync(f) : undefined);
    return {
      host: endpoint.host,
      port: endpoint.port,
      protocol: 'https',
      ca: read(endpoint.tls.ca),
      cert: read(endpoint.tls.cert),
      key: read(endpoint.tls.key),
    };
  }
  throw new Error(
    `Cannot connect to a Docker engine at ${endpoint.url}: only unix sockets, named pipes and tcp:// are supported.`,
  );
}
