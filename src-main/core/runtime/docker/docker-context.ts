import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { DiscoveryHost } from './discovery-host.js';
import { parseDockerHost, type DockerEndpoint, type TlsFiles } from './engine-endpoint.js';

const CliConfig = z.looseObject({ currentContext: z.string().optional() });
const ContextMeta = z.looseObject({
  Name: z.string().optional(),
  Endpoints: z
    .looseObject({
      docker: z
        .looseObject({ Host: z.string().optional(), SkipTLSVerify: z.boolean().optional() })
        .optional(),
    })
    .optional(),
});

export function dockerConfigDir(host: DiscoveryHost): string {
  const p = host.platform === 'win32' ? path.win32 : path.posix;
  return host.env.DOCKER_CONFIG?.trim() || p.join(host.homedir, '.docker');
}

/**
 * The endpoint of the docker CLI's current context (`DOCKER_CONTEXT`, else `currentContext` in
 * config.json). dockerode does not follow contexts, yet Docker Desktop on Linux, Colima and
 * OrbStack all work through one. Null for the `default` context or when none is set.
 */
export async function currentContextEndpoint(host: DiscoveryHost): Promise<DockerEndpoint | null> {
  const p = host.platform === 'win32' ? path.win32 : path.posix;
  const configDir = dockerConfigDir(host);
  let name = host.env.DOCKER_CONTEXT?.trim();
  if (!name) {
    const raw = await host.readFile(p.join(configDir, 'config.json'));
    if (!raw) return null;
    const parsed = CliConfig.safeParse(safeJson(raw));
    name = parsed.success ? parsed.data.currentContext?.trim() : undefined;
  }
  if (!name || name === 'default') return null;

  const id = createHash('sha256').update(name).digest('hex');
  const metaRaw = await host.readFile(p.join(configDir, 'contexts', 'meta', id, 'meta.json'));
  if (!metaRaw) return null;
  const meta = ContextMeta.safeParse(safeJson(metaRaw));
  const docker = meta.success ? meta.data.Endpoints?.docker : undefined;
  if (!docker?.Host) return null;

  const tlsDir = p.join(configDir, 'contexts', 'tls', id, 'docker');
  const file = async (f: string) =>
    (await host.exists(p.join(tlsDir, f))) ? p.join(tlsDir, f) : null;
  const [ca, cert, key] = await Promise.all([file('ca.pem'), file('cert.pem'), file('key.pem')]);
  const tls: TlsFiles | null =
    ca || cert || key ? { ca, cert, key, verify: !docker.SkipTLSVerify } : null;
  return parseDockerHost(docker.Host, `Docker context "${name}"`, tls);
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
