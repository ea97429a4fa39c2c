import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { dockerAvailability } from '../helpers/env.js';
import { buildNodeImage, testDocker } from '../helpers/docker.js';

const docker = await dockerAvailability();
const tag = `resultity-test/smoke:${process.pid}`;

describe.skipIf(!docker.available)('real Docker engine smoke test', () => {
  const engine = testDocker();
  let containerId: string | undefined;

  afterAll(async () => {
    if (containerId)
      await engine
        .getContainer(containerId)
        .remove({ force: true })
        .catch(() => {});
    await engine
      .getImage(tag)
      .remove({ force: true })
      .catch(() => {});
  });

  it('builds a FROM-scratch image, runs it on 127.0.0.1 and talks to it', async () => {
    await buildNodeImage(engine, tag, {
      files: { 'server.mjs': path.resolve('tests/fixtures/echo-server.mjs') },
      entry: 'server.mjs',
      expose: [8080],
    });
    const container = await engine.createContainer({
      Image: tag,
      Labels: { 'network.resultity.test': 'smoke' },
      ExposedPorts: { '8080/tcp': {} },
      HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    containerId = container.id;
    await container.start();
    const info = await container.inspect();
    const binding = info.NetworkSettings.Ports['8080/tcp']?.[0];
    expect(binding?.HostIp).toBe('127.0.0.1');
    const url = `http://127.0.0.1:${binding?.HostPort}/ping`;

    let body: unknown;
    for (let i = 0; i < 50 && body === undefined; i++) {
      body = await fetch(url)
        .then((r) => r.json())
        .catch(() => new Promise((r) => setTimeout(r, 100)).then(() => undefined));
    }
    expect(body).toEqual({ hello: 'resultity', path: '/ping' });

    await container.remove({ force: true });
    containerId = undefined;
    await expect(engine.getContainer(container.id).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
