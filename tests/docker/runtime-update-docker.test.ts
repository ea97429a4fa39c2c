import type Docker from 'dockerode';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src-main/core/logger.js';
import type { RuntimeUpdateReport } from '../../src-main/core/protocol/index.js';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import type { SimImageVariant } from '../../src-main/devnet/sim-runtime/image.js';
import { buildTestSimImage } from '../helpers/docker.js';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';
import { dockerNodeOnDevnet, type DockerNode } from './docker-node.js';
import { pushToRegistry } from './local-registry.js';
import { publishSimImage, type RegistrySimImage } from './sim-image-registry.js';

const docker = await dockerAvailability();

/** Builds a variant of the simulated image, pushes it as `repository:tag`, drops local copies. */
async function pushVariant(
  engine: Docker,
  image: RegistrySimImage,
  tag: string,
  variant: SimImageVariant,
): Promise<string> {
  const buildTag = `resultity-test/sim-update-${tag}:${process.pid}`;
  await buildTestSimImage(engine, buildTag, variant);
  const digest = await pushToRegistry(engine, buildTag, image.repository, tag);
  // The node must download it: no local tag or digest reference is left.
  await engine.getImage(`${image.repository}:${tag}`).remove();
  await engine.getImage(buildTag).remove({ force: true });
  return digest;
}

/**
 * updates.runtime on the real engine: the devnet names a new image digest (pushed to a local
 * registry), the node pulls it while the old container serves running jobs, switches only when
 * none runs, tests it, and rolls back to the old image when the new one fails its test.
 */
describe.skipIf(!docker.available)('runtime updates on the real Docker engine', () => {
  const engine = createDockerClients({ kind: 'socket', path: dockerSocketPath(), source: 'test' });
  const logger = createLogger([], { minLevel: 'warn' });
  let work: string;
  let image: RegistrySimImage;
  let good: string;
  let broken: string;
  let net: DockerNode | undefined;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rn-runtime-update-'));
    image = await publishSimImage(engine.api, 'sim-update');
    good = await pushVariant(engine.api, image, 'v2', { labels: { 'test.variant': 'v2' } });
    broken = await pushVariant(engine.api, image, 'v3', {
      labels: { 'test.variant': 'broken' },
      extraArgs: ['--fault', 'error-rate=1'],
    });
  }, 300_000);

  afterAll(async () => {
    await net?.close();
    for (const digest of [good, broken])
      if (digest)
        await engine.api
          .getImage(`${image.repository}@${digest}`)
          .remove({ force: true })
          .catch(() => undefined);
    await image?.close();
    await rm(work, { recursive: true, force: true });
  }, 120_000);

  const until = async (ok: () => boolean | Promise<boolean>, what: string, ms = 90_000) => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const entry = (id: string, digest: string) => ({
    id,
    repository: image.repository,
    tag: id,
    digest,
  });
  /** The digest of the image the running container was created from. */
  const servedDigest = async (): Promise<string[]> => {
    const id = net!.runtime.container()!.id;
    const info = await engine.api.getContainer(id).inspect();
    expect(info.State.Running).toBe(true);
    const img = await engine.api.getImage(info.Image).inspect();
    return img.RepoDigests.map((d) => d.split('@')[1] ?? '');
  };
  const present = (digest: string) =>
    engine.api
      .getImage(`${image.repository}@${digest}`)
      .inspect()
      .then(() => true)
      .catch(() => false);

  it('pulls while the old container serves, switches with no job running, and reports done', async () => {
    net = await dockerNodeOnDevnet({
      work,
      name: 'update',
      image,
      logger,
      agentVersion: '0.1.0-update-it',
      drainTimeoutMs: 5000,
      allowImage: true,
    });
    const { node, devnet, runtime } = net;
    const updates = node.agent.config.runtimeUpdates!;
    const reported = () =>
      devnet.core.registry.get(node.agent.nodeId)?.lastHeartbeat?.runtime_update as
        RuntimeUpdateReport | undefined;
    await node.agent.start();
    await until(() => node.agent.state().name === 'active', 'the node to be active');
    const first = runtime.container()!.id;
    expect(await servedDigest()).toContain(image.digest);
    expect(await present(good)).toBe(false);

    // Two jobs of ~8 s each (the simulator streams 50 tokens/s) run on the old container.
    devnet.submitJobs({ count: 2, max_tokens: 400 });
    await until(() => node.agent.counters().in_flight === 2, 'two jobs running');
    // Every runtime status change from now on happens with no job in flight.
    const inFlightAtRestart: number[] = [];
    const sub = runtime.onStatus((s) => {
      if (s.state !== 'ready') inFlightAtRestart.push(node.agent.counters().in_flight);
    });
    devnet.publishSnapshot({
      merge: {
        runtime: { images: [entry('v1', image.digest), entry('v2', good)] },
        updates: { runtime: { image_digest: good } },
      },
    });
    await until(() => updates.report()?.state === 'switching', 'the new image pulled');
    // Pulled while the old container kept serving the running jobs.
    expect(await present(good)).toBe(true);
    expect(runtime.container()!.id).toBe(first);
    expect((await engine.api.getContainer(first).inspect()).State.Running).toBe(true);
    expect(node.agent.counters().in_flight).toBeGreaterThan(0);

    await until(() => updates.report()?.state === 'done', 'the switch done', 120_000);
    sub.dispose();
    expect(inFlightAtRestart.length).toBeGreaterThan(0);
    expect(inFlightAtRestart.every((n) => n === 0)).toBe(true);
    expect(runtime.container()!.id).not.toBe(first);
    expect(await servedDigest()).toContain(good);
    // Both jobs finished on the old container: none was dropped.
    await until(() => devnet.core.ledger.counters.jobs_completed === 2, 'two jobs completed');
    expect(node.agent.counters().failed_total).toBe(0);
    await until(() => reported()?.state === 'done', 'the heartbeat saying done', 30_000);
    expect(reported()?.digest).toBe(good);
    // The previous image stays on disk for a way back.
    expect(await present(image.digest)).toBe(true);
  }, 300_000);

  it('rolls back to the old image when the new one fails its test inference, and keeps serving', async () => {
    const { node, devnet, runtime } = net!;
    const updates = node.agent.config.runtimeUpdates!;
    const reported = () =>
      devnet.core.registry.get(node.agent.nodeId)?.lastHeartbeat?.runtime_update as
        RuntimeUpdateReport | undefined;
    devnet.publishSnapshot({
      merge: {
        runtime: { images: [entry('v2', good), entry('v3', broken)] },
        updates: { runtime: { image_digest: broken } },
      },
    });
    await until(() => updates.report()?.state === 'rolled_back', 'the roll-back', 120_000);
    expect(updates.report()?.error).toMatch(/test inference on the new image failed/);
    await until(() => runtime.status().state === 'ready', 'the old image ready again');
    expect(await servedDigest()).toContain(good);
    await until(() => reported()?.state === 'rolled_back', 'the heartbeat saying rolled_back');
    expect(reported()?.digest).toBe(broken);
    expect(node.agent.configStatus().state).toBe('ok');
    await until(() => node.agent.state().name === 'active', 'active again');
    const before = devnet.core.ledger.counters.jobs_completed;
    devnet.submitJobs({ count: 1, max_tokens: 8 });
    await until(
      () => devnet.core.ledger.counters.jobs_completed === before + 1,
      'a job served on the old image after the roll-back',
    );
  }, 300_000);
});
