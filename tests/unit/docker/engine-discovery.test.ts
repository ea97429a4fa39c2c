import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiscoveryHost } from '../../../src-main/core/runtime/docker/discovery-host.js';
import {
  describeEndpoint,
  parseDockerHost,
  type DockerEndpoint,
} from '../../../src-main/core/runtime/docker/engine-endpoint.js';
import { discoverEngine } from '../../../src-main/core/runtime/docker/engine-discovery.js';
import type { EngineProbe, PingResult } from '../../../src-main/core/runtime/docker/engine-ping.js';

const versionDoc = (name: string): unknown =>
  JSON.parse(readFileSync(path.resolve('tests/fixtures/docker-errors', name), 'utf8'));
const DOCKER = versionDoc('version-debian-docker-20.10.json');
const DESKTOP = versionDoc('version-docker-desktop-4.44.json');
const PODMAN = versionDoc('version-podman-5.json');

type Answer = { ping: PingResult; version?: unknown };
const up = (version: unknown = DOCKER): Answer => ({ ping: { ok: true }, version });
const down = (code: string): Answer => ({ ping: { ok: false, code, message: `connect ${code}` } });

/** Every endpoint not listed answers ENOENT, like a socket file that does not exist. */
function probe(answers: Record<string, Answer>): EngineProbe & { dialled: string[] } {
  const dialled: string[] = [];
  const key = (e: DockerEndpoint) => describeEndpoint(e);
  return {
    dialled,
    ping: async (e) => {
      dialled.push(key(e));
      return (answers[key(e)] ?? down('ENOENT')).ping;
    },
    version: async (e) => answers[key(e)]?.version ?? null,
  };
}

function host(
  over: Partial<DiscoveryHost> & { files?: Record<string, string> } = {},
): DiscoveryHost {
  const files = over.files ?? {};
  return {
    platform: 'linux',
    env: { PATH: '/usr/local/bin:/usr/bin' },
    homedir: '/home/ada',
    uid: 1000,
    readFile: async (p) => files[p] ?? null,
    exists: async (p) => p in files,
    ...over,
  };
}

const contextFiles = (name: string, hostUrl: string, configDir = '/home/ada/.docker') => {
  const id = createHash('sha256').update(name).digest('hex');
  return {
    [`${configDir}/config.json`]: JSON.stringify({ auths: {}, currentContext: name }),
    [`${configDir}/contexts/meta/${id}/meta.json`]: JSON.stringify({
      Name: name,
      Metadata: { Description: name },
      Endpoints: { docker: { Host: hostUrl, SkipTLSVerify: false } },
    }),
  };
};

describe('Docker engine discovery', () => {
  it('finds the system engine on Linux', async () => {
    const d = await discoverEngine({
      host: host(),
      probe: probe({ '/var/run/docker.sock': up() }),
    });
    expect(d).toMatchObject({
      ok: true,
      endpoint: { path: '/var/run/docker.sock' },
      identity: { product: 'docker' },
    });
  });

  it('follows the current docker context, which dockerode does not', async () => {
    const files = contextFiles('desktop-linux', 'unix:///home/ada/.docker/desktop/docker.sock');
    const p = probe({
      '/home/ada/.docker/desktop/docker.sock': up(DESKTOP),
      '/var/run/docker.sock': up(),
    });
    const d = await discoverEngine({ host: host({ files }), probe: p });
    expect(d.ok && d.endpoint).toMatchObject({
      path: '/home/ada/.docker/desktop/docker.sock',
      source: 'Docker context "desktop-linux"',
    });
    expect(d.ok && d.identity.dockerDesktop).toBe(true);
  });

  it('lets DOCKER_CONTEXT and DOCKER_CONFIG override the config file', async () => {
    const files = contextFiles(
      'colima',
      'unix:///home/ada/.colima/work/docker.sock',
      '/etc/dockercfg',
    );
    const env = { DOCKER_CONFIG: '/etc/dockercfg', DOCKER_CONTEXT: 'colima' };
    const d = await discoverEngine({
      host: host({ env, files }),
      probe: probe({ '/home/ada/.colima/work/docker.sock': up() }),
    });
    expect(d.ok && describeEndpoint(d.endpoint)).toBe('/home/ada/.colima/work/docker.sock');
  });

  it('uses DOCKER_HOST and nothing else, like the docker CLI', async () => {
    const p = probe({ '/var/run/docker.sock': up() });
    const d = await discoverEngine({
      host: host({ env: { DOCKER_HOST: 'tcp://10.0.0.5:2375' } }),
      probe: p,
    });
    expect(p.dialled).toEqual(['tcp://10.0.0.5:2375']);
    expect(d).toMatchObject({ ok: false, problem: { code: 'unreachable' } });
    if (!d.ok) expect(d.problem.detail).toContain('DOCKER_HOST is set to tcp://10.0.0.5:2375');
  });

  it('explains permission denied with the docker group and logging out', async () => {
    const d = await discoverEngine({
      host: host(),
      probe: probe({ '/var/run/docker.sock': down('EACCES') }),
    });
    expect(d).toMatchObject({ ok: false, problem: { code: 'permission_denied' } });
    if (!d.ok) {
      expect(d.problem.detail).toContain('/var/run/docker.sock');
      expect(d.problem.fix).toMatch(/usermod -aG docker .* log out and log in again/);
    }
  });

  it('says the engine is stopped when its socket refuses', async () => {
    const d = await discoverEngine({
      host: host(),
      probe: probe({ '/var/run/docker.sock': down('ECONNREFUSED') }),
    });
    expect(d).toMatchObject({ ok: false, problem: { code: 'not_running' } });
    if (!d.ok) expect(d.problem.fix).toMatch(/systemctl start docker/);
  });

  it('says the engine is stopped when dockerd is installed but no socket exists', async () => {
    const d = await discoverEngine({
      host: host({ files: { '/usr/bin/dockerd': '' } }),
      probe: probe({}),
    });
    expect(d).toMatchObject({ ok: false, problem: { code: 'not_running' } });
  });

  it('says Docker is not installed when there is nothing at all', async () => {
    const d = await discoverEngine({ host: host(), probe: probe({}) });
    expect(d).toMatchObject({ ok: false, problem: { code: 'not_installed' } });
    if (!d.ok) expect(d.problem.fix).toMatch(/Install Docker Engine/);
  });

  it('finds rootless Docker, and prefers real Docker to Podman', async () => {
    const p = probe({
      '/run/user/1000/podman/podman.sock': up(PODMAN),
      '/run/user/1000/docker.sock': up(),
    });
    const d = await discoverEngine({ host: host(), probe: p });
    expect(d).toMatchObject({ ok: true, endpoint: { source: 'rootless Docker' } });
    expect(d.ok && d.warning).toBeUndefined();
  });

  it('detects Podman posing as Docker on the Docker socket and warns with a fix', async () => {
    const d = await discoverEngine({
      host: host(),
      probe: probe({ '/var/run/docker.sock': up(PODMAN) }),
    });
    expect(d).toMatchObject({ ok: true, identity: { product: 'podman', version: '5.2.3' } });
    if (d.ok) {
      expect(d.warning?.code).toBe('podman');
      expect(d.warning?.detail).toContain('is Podman 5.2.3, posing as Docker');
    }
  });

  it('finds Colima, OrbStack and Rancher Desktop on macOS', async () => {
    for (const [sock, source] of [
      ['/Users/ada/.colima/default/docker.sock', 'Colima'],
      ['/Users/ada/.orbstack/run/docker.sock', 'OrbStack'],
      ['/Users/ada/.rd/docker.sock', 'Rancher Desktop'],
      ['/Users/ada/.docker/run/docker.sock', 'Docker Desktop'],
    ] as const) {
      const d = await discoverEngine({
        host: host({ platform: 'darwin', homedir: '/Users/ada', uid: 501 }),
        probe: probe({ [sock]: up() }),
      });
      expect(d.ok && d.endpoint.source).toBe(source);
    }
  });

  it('uses the Windows named pipe', async () => {
    const d = await discoverEngine({
      host: host({ platform: 'win32', homedir: 'C:\\Users\\ada', uid: null, env: {} }),
      probe: probe({ '//./pipe/docker_engine': up(DESKTOP) }),
    });
    expect(d).toMatchObject({
      ok: true,
      endpoint: { kind: 'socket', path: '//./pipe/docker_engine' },
    });
  });

  it('on Windows, tells to start Docker Desktop (with WSL 2) when it is installed but the pipe is missing', async () => {
    const exe = 'C:\\Program Files\\Docker\\Docker\\Docker Desktop.exe';
    const d = await discoverEngine({
      host: host({
        platform: 'win32',
        homedir: 'C:\\Users\\ada',
        uid: null,
        env: {},
        files: { [exe]: '' },
      }),
      probe: probe({}),
    });
    expect(d).toMatchObject({ ok: false, problem: { code: 'docker_desktop_not_running' } });
    if (!d.ok) expect(d.problem.fix).toMatch(/wsl --install/);
  });

  it('on Windows without Docker Desktop, says to install it', async () => {
    const d = await discoverEngine({
      host: host({ platform: 'win32', homedir: 'C:\\Users\\ada', uid: null, env: {} }),
      probe: probe({}),
    });
    expect(d).toMatchObject({ ok: false, problem: { code: 'not_installed' } });
    if (!d.ok) expect(d.problem.fix).toMatch(/Docker Desktop .* WSL 2/);
  });

  it('inside WSL with Docker Desktop on Windows, says to turn on WSL integration', async () => {
    const d = await discoverEngine({
      host: host({
        env: { WSL_DISTRO_NAME: 'Ubuntu-24.04' },
        files: { '/mnt/c/Program Files/Docker/Docker/Docker Desktop.exe': '' },
      }),
      probe: probe({}),
    });
    expect(d).toMatchObject({ ok: false, problem: { code: 'wsl_integration_off' } });
    if (!d.ok) expect(d.problem.fix).toContain("WSL integration, turn it on for 'Ubuntu-24.04'");
  });
});

describe('DOCKER_HOST parsing', () => {
  it('reads unix, npipe and tcp addresses', () => {
    expect(parseDockerHost('unix:///run/docker.sock', 'x')).toMatchObject({
      kind: 'socket',
      path: '/run/docker.sock',
    });
    expect(parseDockerHost('npipe:////./pipe/docker_engine', 'x')).toMatchObject({
      kind: 'socket',
      path: '//./pipe/docker_engine',
    });
    expect(parseDockerHost('tcp://192.168.1.4:2376', 'x')).toMatchObject({
      kind: 'tcp',
      host: '192.168.1.4',
      port: 2376,
    });
    expect(parseDockerHost('tcp://build-box', 'x')).toMatchObject({ kind: 'tcp', port: 2375 });
    expect(parseDockerHost('ssh://ada@build-box', 'x')).toMatchObject({ kind: 'unsupported' });
  });
});
