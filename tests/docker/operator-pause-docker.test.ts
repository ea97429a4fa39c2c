import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/core/clock.js';
import { createLogger } from '../../src-main/core/logger.js';
import { PauseController } from '../../src-main/core/pause/pause-controller.js';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';
import { dockerNodeOnDevnet, type DockerNode } from './docker-node.js';
import { until } from './pause-node.js';
import { workFolderAndSimImage } from './suite-image.js';

const docker = await dockerAvailability();

/**
 * Issue 17's figure: "VRAM free again N s after the trigger", measured as the time from the
 * pause request to the runtime container being gone on the real engine, with jobs in flight.
 * The simulated runtime streams 50 tokens/s and its answers end by themselves within 400
 * tokens, so these jobs usually finish inside the 10 s grace; the worst case (jobs outlasting
 * the grace, handed back) is operator-pause-worst-case.test.ts. Production timings and grace.
 */
describe.skipIf(!docker.available)('operator pause on the real Docker engine', () => {
  const engine = createDockerClients({ kind: 'socket', path: dockerSocketPath(), source: 'test' });
  const logger = createLogger([], { minLevel: 'warn' });
  let started: DockerNode | undefined;
  const suite = workFolderAndSimImage(
    engine.api,
    'rn-pause-docker-',
    'sim-vllm-pause',
    async () => {
      await started?.close();
    },
  );

  it('stops the runtime container (VRAM free) within 15 s of the trigger with jobs running, and starts it again on resume', async () => {
    started = await dockerNodeOnDevnet({
      work: suite.work,
      name: 'pause',
      image: suite.image,
      logger,
      agentVersion: '0.1.0-pause-it',
      drainTimeoutMs: 5000,
      allowImage: true,
    });
    const { node, runtime: rt, devnet } = started;
    const pauses = new PauseController(systemClock);
    pauses.onChange((s) => void node.agent.operatorPause.set(s));
    const gone = async (id: string) =>
      engine.api
        .getContainer(id)
        .inspect()
        .then((i) => !i.State.Running)
        .catch(() => true);
    try {
      await node.agent.start();
      await until(() => node.agent.state().name === 'active', 'the agent to become active');
      const first = rt.container()!.id;
      devnet.submitJobs({ count: 3, max_tokens: 1000 });
      await until(() => node.agent.counters().in_flight === 3, 'three jobs running');

      const trigger = performance.now();
      pauses.request('foreign-gpu-process', {
        reason: 'a game is using the GPU',
        resumes: 'resumes when it closes',
      });
      await until(() => gone(first), 'the container to stop', 30_000);
      const seconds = (performance.now() - trigger) / 1000;
      console.log(`[operator-pause] VRAM free again ${seconds.toFixed(1)} s after the trigger`);
      expect(seconds).toBeLessThan(15);
      await until(() => node.agent.operatorPause.report().phase === 'paused', 'paused', 30_000);
      expect(rt.status().state).toBe('stopped');
      // Each job either finished within the grace or was handed back: none is left running.
      const { handedBack } = node.agent.operatorPause.report();
      const finished = devnet.core.ledger.counters.jobs_completed;
      console.log(`[operator-pause] ${finished} finished in the grace, ${handedBack} handed back`);
      expect(finished + handedBack).toBe(3);
      expect(node.agent.counters().in_flight).toBe(0);

      pauses.release('foreign-gpu-process');
      await until(() => node.agent.state().name === 'active', 'active again after the resume');
      const second = rt.container()!.id;
      expect((await engine.api.getContainer(second).inspect()).State.Running).toBe(true);
      expect(rt.status().state).toBe('ready');
      // The handed-back jobs come back and are served by the restarted container.
      await until(
        () => devnet.core.ledger.counters.jobs_completed === 3,
        'the three jobs completed after the resume',
        120_000,
      );
    } finally {
      await started.close();
      started = undefined;
    }
  }, 300_000);
});
