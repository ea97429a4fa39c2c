import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverEngine } from '../../../src-main/core/runtime/docker/engine-discovery.js';
import { httpEngineProbe } from '../../../src-main/core/runtime/docker/engine-ping.js';
import { nodeDiscoveryHost } from '../../../src-main/core/runtime/docker/discovery-host.js';

/** Real unix sockets: an engine impostor (Podman), a hung engine and a missing one. */
describe('engine ping over real sockets', () => {
  let dir: string;
  let podman: http.Server;
  let hung: net.Server;
  const held: net.Socket[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-ping-'));
    const doc = await readFile(
      path.resolve('tests/fixtures/docker-errors/version-podman-5.json'),
      'utf8',
    );
    podman = http.createServer((req, res) => {
      if (req.url === '/_ping') return res.end('OK');
      if (req.url === '/version') return res.end(doc);
      res.writeHead(404).end();
    });
    hung = net.createServer((s) => held.push(s));
    await new Promise<void>((r) => podman.listen(path.join(dir, 'podman.sock'), r));
    await new Promise<void>((r) => hung.listen(path.join(dir, 'hung.sock'), r));
  });

  afterAll(async () => {
    held.forEach((s) => s.destroy());
    await new Promise((r) => podman.close(r));
    await new Promise((r) => hung.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('pings, reads /version, times out a hung socket and reports a missing one', async () => {
    const at = (name: string) => ({
      kind: 'socket' as const,
      path: path.join(dir, name),
      source: 't',
    });
    expect(await httpEngineProbe.ping(at('podman.sock'), 1000)).toEqual({ ok: true });
    expect(await httpEngineProbe.ping(at('hung.sock'), 200)).toMatchObject({
      ok: false,
      code: 'TIMEOUT',
    });
    expect(await httpEngineProbe.ping(at('none.sock'), 200)).toMatchObject({
      ok: false,
      code: 'ENOENT',
    });
    expect(await httpEngineProbe.version(at('podman.sock'), 1000)).toMatchObject({
      Version: '5.2.3',
    });
  });

  it('discovers Podman through DOCKER_HOST and flags it', async () => {
    const host = {
      ...nodeDiscoveryHost(),
      env: { DOCKER_HOST: `unix://${path.join(dir, 'podman.sock')}` },
    };
    const d = await discoverEngine({ host, timeoutMs: 1000 });
    expect(d).toMatchObject({
      ok: true,
      identity: { product: 'podman' },
      warning: { code: 'podman' },
    });
  });
});
