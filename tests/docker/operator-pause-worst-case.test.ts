import { describe, expect, it } from 'vitest';
import { DEFAULT_PAUSE_GRACE_MS } from '../../src-main/core/agent/operator-pause.js';
import { createLogger } from '../../src-main/core/logger.js';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';
import { dockerNodeOnDevnet, type DockerNode } from './docker-node.js';
import { pauseHostFor, until, watchDeath } from './pause-node.js';
import { workFolderAndSimImage } from './suite-image.js';

const docker = await dockerAvailability();
/**
 * Every job waits this long for its first token, so all of them outlast the 10 s grace even when
 * they started a few seconds before the trigger (once in six runs with 15 s the devnet saw the
 * jobs accepted only ~9 s after they started, and they finished inside the grace).
 */
const TTFT_MS = 25_000;
/** The report's figure and the engine's own stop time may differ by this much. */
const TOLERANCE_MS = 1_000;

/**
 * Issue 17's worst case, on the real engine: jobs still running when the grace ends are handed
 * back (the devnet takes them away without blaming the node and serves them again after the
 * resume — none lost), then the runtime container stops. The pause report's "GPU memory freed
 * N s after the pause" must match the time from the trigger to the engine's `die` event.
 */
describe.skipIf(!docker.available)('operator pause worst case: jobs outlast the grace', () => {
  const engine = createDockerClients({ kind: 'socket', path: dockerSocketPath(), source: 'test' });
  const logger = createLogger([], { minLevel: 'warn' });
  let started: DockerNode | undefined;
  const suite = workFolderAndSimImage(
    engine.api,
    'rn-pause-worst-',
    'sim-vllm-pause-slow',
    async () => {
      await started?.close();
    },
    { extraArgs: ['--ttft-ms', String(TTFT_MS)] },
  );

  it('hands the running jobs back at the grace end, stops the container, and reports the time it took', async () => {
    started = await dockerNodeOnDevnet({
      work: suite.work,
      name: 'pause-worst',
      image: suite.image,
      logger,
      agentVersion: '0.1.0-pause-it',
      drainTimeoutMs: 5000,
      allowImage: true,
    });
    const { node, runtime: rt, devnet } = started;
    const pauses = pauseHostFor(started, logger);
    await node.agent.start();
    await until(() => node.agent.state().name === 'active', 'the agent to become active', 180_000);
    const container = rt.container()!.id;
    const death = await watchDeath(engine.api, container);
    const ids = devnet.submitJobs({ count: 3, max_tokens: 64 });
    await until(() => node.agent.counters().in_flight === 3, 'three jobs running');
    // Running as the network sees it: accepted (an accept still on its way when the pause
    // reopens the job session is lost, and the network would take the job away on its own).
    await until(
      () => ids.every((id) => devnet.core.ledger.get(id)?.state === 'accepted'),
      'the devnet to see the three jobs accepted',
      10_000,
    );

    const trigger = Date.now();
    pauses.controller.request('foreign-gpu-process', {
      reason: 'a game is using the GPU',
      resumes: 'resumes when it closes',
    });
    const died = await Promise.race([
      death.died,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the container did not stop in 60 s')), 60_000),
      ),
    ]).finally(() => death.stop());
    await until(() => pauses.dto().phase === 'paused', 'paused', 30_000);

    const measured = died - trigger;
    const report = pauses.dto();
    console.log(
      `[operator-pause worst case] trigger → container stopped (engine 'die' event): ` +
        `${(measured / 1000).toFixed(1)} s; report: GPU memory freed ` +
        `${((report.vramFreedAfterMs ?? NaN) / 1000).toFixed(1)} s after the pause; ` +
        `${report.handedBack} job(s) handed back`,
    );
    // The jobs ran the whole grace, then went back; only then did the runtime stop.
    expect(measured).toBeGreaterThanOrEqual(DEFAULT_PAUSE_GRACE_MS);
    expect(report.handedBack).toBe(3);
    expect(report.vramFreedAfterMs).not.toBeNull();
    // The report is taken when the stop call returns (after the engine's `die`, and the
    // container's removal): never earlier, and within the tolerance.
    expect(report.vramFreedAfterMs!).toBeGreaterThanOrEqual(measured - 100);
    expect(report.vramFreedAfterMs! - measured).toBeLessThan(TOLERANCE_MS);
    expect(measured).toBeLessThan(15_000); // issue 17's goal
    expect(rt.status().state).toBe('stopped');
    expect(node.agent.counters().in_flight).toBe(0);

    // The devnet saw each job handed back and took it away to give it again.
    const handedBack = (id: string) =>
      devnet.core.ledger.get(id)?.events.find((e) => e.event === 'node_failed');
    await until(() => ids.every((id) => handedBack(id)), 'the devnet to see 3 handed back', 10_000);
    for (const id of ids) expect(handedBack(id)!.detail).toContain('the operator paused this node');
    expect(devnet.core.ledger.counters.jobs_completed).toBe(0);

    // Resume: the same jobs are served again by the restarted container — none lost.
    pauses.controller.release('foreign-gpu-process');
    await until(() => node.agent.state().name === 'active', 'active again', 180_000);
    await until(
      () => ids.every((id) => devnet.core.ledger.get(id)?.state === 'completed'),
      'the three handed-back jobs completed after the resume',
      180_000,
    );
    expect(devnet.core.ledger.counters.jobs_failed).toBe(0);
  }, 600_000);
});
