import { afterAll, describe, expect, it } from 'vitest';
import { dockerAvailability } from '../helpers/env.js';
import {
  buildTestSimImage,
  pollHttp,
  publishedPort,
  removeQuietly,
  testDocker,
} from '../helpers/docker.js';

const docker = await dockerAvailability();
const tag = `resultity-test/sim-vllm:${process.pid}`;
const twinTags = ['a', 'b'].map((t) => `resultity-test/sim-vllm-twin-${t}:${process.pid}`) as [
  string,
  string,
];

describe.skipIf(!docker.available)('simulated vLLM runtime image (real Docker engine)', () => {
  const engine = testDocker();
  let containerId: string | undefined;

  afterAll(async () => {
    await removeQuietly(engine, { containerId, image: tag });
    for (const image of twinTags) await removeQuietly(engine, { image });
  });

  it('builds, runs like vllm/vllm-openai on a random 127.0.0.1 port and answers', async () => {
    await buildTestSimImage(engine, tag);
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

  // Test files build this same content in parallel and each removes its own image when done: a
  // shared image or layer would let one file's removal break another's build, or a pull find the
  // layer it should download already there. Built at the same moment, as two files do at start.
  it('builds for a test share no image or layer with another build of the same content', async () => {
    await Promise.all([
      buildTestSimImage(engine, twinTags[0]),
      buildTestSimImage(engine, twinTags[1]),
    ]);
    const a = await engine.getImage(twinTags[0]).inspect();
    const b = await engine.getImage(twinTags[1]).inspect();
    expect(b.Id).not.toBe(a.Id);
    const layersOfA = new Set(a.RootFS.Layers);
    expect(b.RootFS.Layers?.filter((l) => layersOfA.has(l))).toEqual([]);
  });
});
