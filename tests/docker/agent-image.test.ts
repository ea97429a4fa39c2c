// The agent image and its compose file on the real engine: the node runs in a container built
// FROM scratch, joins a devnet on the host, starts its runtime container (the simulated vLLM
// image from a local registry) beside itself through the Docker socket, with the models in a
// named volume, serves jobs, and keeps its node ID across a restart (docker restart, and
// docker-compose down/up).
import type Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgentImage } from '../../deploy/agent-image/build-agent-image.js';
import { demuxToText } from '../../src-main/core/runtime/docker/log-stream.js';
import { OWNER_LABEL } from '../../src-main/core/runtime/docker/labels.js';
import { defaultSnapshot } from '../../src-main/devnet/io/default-snapshot.js';
import { startDevnet, type Devnet } from '../../src-main/devnet/io/devnet.js';
import { buildTestSimImage, testDocker } from '../helpers/docker.js';
import { dockerAvailability, dockerSocketPath, inCI } from '../helpers/env.js';
import { REPO_ROOT, waitUntil } from '../helpers/processes.js';
import { jsonEvents, rendererForRelease, submitJobs } from '../helpers/release.js';
import { pushToRegistry, startLocalRegistry, type LocalRegistry } from './local-registry.js';

const run = promisify(execFile);
const docker = await dockerAvailability();
const pid = process.pid;
const agentTag = `resultity-test/agent:${pid}`;
const simTag = `resultity-test/agent-sim-rt:${pid}`;
const COMPOSE = '/usr/bin/docker-compose';
const hasCompose = existsSync(COMPOSE);
if (!hasCompose && inCI)
  throw new Error(`${COMPOSE} is required under CI=true (apt docker-compose)`);
if (!hasCompose) console.warn(`[skip] compose test skipped: no ${COMPOSE} (apt docker-compose)`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!docker.available)('the agent image on the real engine', () => {
  const engine: Docker = testDocker();
  let work: string;
  let registry: LocalRegistry;
  let repository: string;
  let devnet: Devnet;
  let passphraseFile: string;
  const containers: string[] = [];
  const volumes: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rn-agent-image-'));
    await buildTestSimImage(engine, simTag);
    registry = await startLocalRegistry();
    repository = `${registry.address}/resultity-test/agent-sim-vllm`;
    const digest = await pushToRegistry(engine, simTag, repository, 'v1');
    devnet = await startDevnet({
      stateDir: path.join(work, 'devnet'),
      initialSnapshot: defaultSnapshot('local', {
        runtime: {
          engine: 'vllm',
          images: [{ id: 'sim', repository, tag: 'v1', digest }],
          max_num_seqs: 16,
          gpu_memory_headroom_mb: 1024,
        },
      }),
    });
    // What an operator keeps as a secret file: 0600, mounted read-only.
    passphraseFile = path.join(work, 'key-passphrase');
    await writeFile(passphraseFile, 'a passphrase the operator keeps\n', { mode: 0o600 });
    await buildAgentImage(engine, { tag: agentTag, rendererDir: await rendererForRelease() });
  }, 300_000);

  afterAll(async () => {
    const owned = await engine.listContainers({ all: true, filters: { label: [OWNER_LABEL] } });
    for (const c of owned) {
      if (c.Mounts.some((m) => m.Name && volumes.includes(m.Name))) containers.push(c.Id);
    }
    for (const id of containers) {
      await engine
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
    }
    for (const v of volumes)
      await engine
        .getVolume(v)
        .remove({ force: true })
        .catch(() => undefined);
    for (const image of [agentTag, simTag, `${repository}:v1`]) {
      await engine
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
    }
    await devnet?.close();
    await registry?.close();
    await rm(work, { recursive: true, force: true });
  }, 120_000);

  /** The agent's flags for this devnet (the test's own network, on the host's 127.0.0.1). */
  const devnetFlags = () => [
    '--profile',
    'local',
    '--io-url',
    devnet.url,
    '--network-signer',
    devnet.signerAddress,
    '--runtime',
    'docker',
    '--runtime-gpu',
    'none',
  ];

  const logsOf = async (id: string) =>
    jsonEvents(
      demuxToText(
        (await engine.getContainer(id).logs({ stdout: true, stderr: true })) as unknown as Buffer,
      ),
    );

  const readyz = async (port: number) =>
    fetch(`http://127.0.0.1:${port}/readyz`)
      .then((r) => r.status)
      .catch(() => 0);

  /** Ready (the ops health endpoint says active), then three submitted jobs completed. */
  async function expectServing(id: string, opsPort: number): Promise<void> {
    await waitUntil(async () => (await readyz(opsPort)) === 200, 'the agent ready', 90_000, 250);
    const ids = await submitJobs(devnet.url, devnet.adminToken, 3);
    await waitUntil(
      async () =>
        (await logsOf(id)).filter(
          (e) => e.type === 'job' && e.kind === 'completed' && ids.includes(e.jobId as string),
        ).length === 3,
      'three submitted jobs completed',
      60_000,
      250,
    );
  }

  const nodeIds = async (id: string) =>
    (await logsOf(id)).filter((e) => e.type === 'started').map((e) => e.nodeId as string);

  /** The runtime containers this agent started: mounted the models volume (weights read-only), never a bind. */
  async function expectRuntimeOnVolume(models: string): Promise<void> {
    const owned = await engine.listContainers({ filters: { label: [OWNER_LABEL] } });
    const mine = owned.filter((c) => c.Mounts.some((m) => m.Name === models));
    expect(mine).toHaveLength(1);
    const info = await engine.getContainer(mine[0]!.Id).inspect();
    expect(info.HostConfig.Binds ?? []).toEqual([]);
    const volumes = info.Mounts.filter((m) => m.Type === 'volume');
    expect(volumes.map((m) => m.Name)).toEqual(volumes.map(() => models));
    // The verified weights are read-only: the whole /cache before Docker 26, its huggingface/ after.
    const weights = volumes.find((m) => ['/cache', '/cache/huggingface'].includes(m.Destination));
    expect(weights).toMatchObject({ RW: false });
  }

  it('docker run: reaches active, serves jobs, restarts with the same node ID', async () => {
    const data = `rn-agent-data-${pid}`;
    const models = `rn-agent-models-${pid}`;
    volumes.push(data, models);
    const opsPort = await freePort();
    const container = await engine.createContainer({
      Image: agentTag,
      name: `rn-agent-${pid}`,
      Cmd: [
        ...devnetFlags(),
        '--models-volume',
        models,
        '--models-dir',
        '/models',
        '--ops-port',
        String(opsPort),
        '--json',
      ],
      Env: [
        `RESULTITY_EXTRA_RUNTIME_IMAGES=${repository}`,
        'RESULTITY_KEY_PASSPHRASE_FILE=/run/secrets/resultity-key-passphrase',
      ],
      StopTimeout: 30,
      HostConfig: {
        NetworkMode: 'host',
        Binds: [
          `${dockerSocketPath()}:/var/run/docker.sock`,
          `${passphraseFile}:/run/secrets/resultity-key-passphrase:ro`,
        ],
        Mounts: [
          { Type: 'volume', Source: data, Target: '/data' },
          { Type: 'volume', Source: models, Target: '/models' },
        ],
      },
    });
    containers.push(container.id);
    await container.start();
    try {
      await expectServing(container.id, opsPort);
      await expectRuntimeOnVolume(models);
      const [first] = await nodeIds(container.id);
      expect(first).toMatch(/^0x[0-9a-fA-F]{40}$/);
      const started = (await logsOf(container.id)).find((e) => e.type === 'started');
      expect(started).toMatchObject({ runtime: 'docker', simulated: true, dataDir: '/data/local' });
      const log = (await logsOf(container.id)).map((e) => String(e.message ?? '')).join('\n');
      expect(log).toContain('/run/secrets/resultity-key-passphrase');

      await container.restart({ t: 30 });
      await waitUntil(async () => (await nodeIds(container.id)).length === 2, 'a second start');
      await expectServing(container.id, opsPort);
      expect(await nodeIds(container.id)).toEqual([first, first]);
    } catch (err) {
      const tail = (await logsOf(container.id)).slice(-30).map((e) => JSON.stringify(e));
      throw new Error(`${(err as Error).message}\n--- agent ---\n${tail.join('\n')}`, {
        cause: err,
      });
    }
    await container.stop({ t: 30 });
    // A drained agent stops its runtime container and exits 0.
    expect((await container.inspect()).State.ExitCode).toBe(0);
  }, 300_000);

  it.skipIf(!hasCompose)(
    'docker-compose: up, active, down, up again with the same node ID',
    async () => {
      const project = `rn-compose-${pid}`;
      const opsPort = await freePort();
      const env = {
        ...process.env,
        RESULTITY_IMAGE: agentTag,
        RESULTITY_PROFILE: 'local',
        RESULTITY_KEY_PASSPHRASE_FILE: passphraseFile,
        RESULTITY_DATA_VOLUME: `rn-compose-data-${pid}`,
        RESULTITY_MODELS_VOLUME: `rn-compose-models-${pid}`,
        RESULTITY_OPS_PORT: String(opsPort),
        RESULTITY_EXTRA_RUNTIME_IMAGES: repository,
        RESULTITY_EXTRA_FLAGS: devnetFlags().slice(2).join(' '),
      };
      volumes.push(env.RESULTITY_DATA_VOLUME, env.RESULTITY_MODELS_VOLUME);
      const file = path.join(REPO_ROOT, 'deploy', 'compose', 'docker-compose.yml');
      const compose = (...args: string[]) =>
        run(COMPOSE, ['-f', file, '-p', project, ...args], { env, timeout: 180_000 });
      const agentId = async () => (await compose('ps', '-q', 'agent')).stdout.trim();

      await compose('up', '-d');
      let id = await agentId();
      try {
        await expectServing(id, opsPort);
        await expectRuntimeOnVolume(env.RESULTITY_MODELS_VOLUME);
        const [first] = await nodeIds(id);
        await compose('down');
        await compose('up', '-d');
        id = await agentId();
        await expectServing(id, opsPort);
        expect(await nodeIds(id)).toEqual([first]);
      } catch (err) {
        const tail = id ? (await logsOf(id)).slice(-30).map((e) => JSON.stringify(e)) : [];
        throw new Error(`${(err as Error).message}\n--- agent ---\n${tail.join('\n')}`, {
          cause: err,
        });
      } finally {
        await compose('down').catch(() => undefined);
      }
    },
    300_000,
  );
});
