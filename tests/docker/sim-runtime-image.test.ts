import { afterAll, describe, expect, it } from 'vitest';
import { buildSimRuntimeImage } from '../../src-main/devnet/sim-runtime/image.js';
import { dockerAvailability } from '../helpers/env.js';
import { pollHttp, publishedPort, removeQuietly, testDocker } from '../helpers/docker.js';

const docker = await dockerAvailability();
const tag = `resultity-test/sim-vllm:${process.pid}`;

describe.skipIf(!docker.available)('simulated vLLM runtime image (real Docker engine)', () => {
  const engine = testDocker();
  let containerId: string | undefined;

  afterAll(() => removeQuietly(engine, { containerId, image: tag }));

  it('builds, runs like vllm/vllm-openai on a random 127.0.0.1 port and answers', async () => {
    await buildSimRuntimeImage(engine, tag);
    const info = await engine.getImage(tag).inspect();
    expect(Object.keys(info.Config.ExposedPorts ?? {})).toEqual(['8000/tcp']);

    const container = await engine.createContainer({
      Image: tag,
      Cmd: ['--model', 'org/sim-7b', '--served-model-name', 'sim-7b', '--api-key', 'test-key'],
      Labels: { 'network.resultity.test': 'sim-runtime-image' },
      ExposedPorts: { '8000/tcp': {} },
      HostConfig: { PortBindings: { '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    containerId = container.id;
    await container.start();
    const binding = await publishedPort(container, '8000/tcp');
    expect(binding?.HostIp).toBe('127.0.0.1');
    const url = `http://127.0.0.1:${binding?.HostPort}`;

    // The CLI's default warm-up is a few seconds: poll /health like an agent would.
    const status = await pollHttp(
      `${url}/health`,
      async (r) => r.status,
      (s) => s === 200,
      150,
    );
    expect(status).toBe(200);

    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'sim-7b',
        messages: [{ role: 'user', content: 'Hello from the test.' }],
        max_tokens: 5,
        ignore_eos: true,
      }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ object: 'chat.completion', model: 'sim-7b' });
    expect(body.usage.completion_tokens).toBe(5);

    const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    expect(logs).toContain('SIMULATED');
    expect(logs).toContain('Starting vLLM API server 0 on http://0.0.0.0:8000');

    await container.remove({ force: true });
    containerId = undefined;
    await expect(engine.getContainer(container.id).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
