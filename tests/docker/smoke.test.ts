import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { dockerAvailability } from '../helpers/env.js';
import { buildNodeImage } from '../../src-main/devnet/image/build-node-image.js';
import { pollHttp, publishedPort, removeQuietly, testDocker } from '../helpers/docker.js';

const docker = await dockerAvailability();
const tag = `resultity-test/smoke:${process.pid}`;

describe.skipIf(!docker.available)('real Docker engine smoke test', () => {
  const engine = testDocker();
  let containerId: string | undefined;

  afterAll(() => removeQuietly(engine, { containerId, image: tag }));

  it('builds a FROM-scratch image, runs it on 127.0.0.1 and talks to it', async () => {
    // Unshared: test files build and remove images in parallel.
    await buildNodeImage(engine, {
      tag,
      unshared: true,
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
    const binding = await publishedPort(container, '8080/tcp');
    expect(binding?.HostIp).toBe('127.0.0.1');
    const url = `http://127.0.0.1:${binding?.HostPort}/ping`;

    const body = await pollHttp(
      url,
      (r): Promise<unknown> => r.json(),
      () => true,
      50,
    );
    expect(body).toEqual({ hello: 'resultity', path: '/ping' });

    await container.remove({ force: true });
    containerId = undefined;
    await expect(engine.getContainer(container.id).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
