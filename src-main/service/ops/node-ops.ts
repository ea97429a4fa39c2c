import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { RuntimeMetrics } from '../../core/runtime/runtime.js';
import type { AgentHost } from '../agent-host.js';
import type { GpuSource } from '../gpu-source.js';
import { NodeMetrics } from './node-metrics.js';
import { startOpsServer, type OpsConfig, type OpsServer } from './ops-server.js';

export interface NodeOpsSources {
  clock: Clock;
  logger: Logger;
  agent: Pick<AgentHost, 'state' | 'onJobEvent'>;
  gpu: Pick<GpuSource, 'latest'>;
  heartbeatAt(): number | null;
  runtimeMetrics(): Promise<RuntimeMetrics | null>;
}

/**
 * The node's ops server over its live parts. Ready means the agent is `active` (registered,
 * test task passed, serving jobs); any other state, draining included, answers 503.
 */
export async function startNodeOps(
  config: OpsConfig,
  s: NodeOpsSources,
): Promise<{ server: OpsServer; close(): Promise<void> } | null> {
  const metrics = new NodeMetrics({
    clock: s.clock,
    state: () => s.agent.state(),
    onJobEvent: s.agent.onJobEvent,
    gpuSamples: () => s.gpu.latest(),
    heartbeatAt: s.heartbeatAt,
    runtimeMetrics: s.runtimeMetrics,
  });
  const log = s.logger.child('ops');
  let server: OpsServer | null;
  try {
    server = await startOpsServer(
      config,
      {
        ready: () => {
          const state = s.agent.state().state;
          return { ready: state === 'active', state };
        },
        metrics: async () => ({ contentType: metrics.contentType, body: await metrics.metrics() }),
      },
      log,
    );
  } catch (err) {
    metrics.dispose();
    throw err;
  }
  if (!server) {
    metrics.dispose();
    return null;
  }
  log.info(`Health and metrics at ${server.url} (/livez, /readyz, /metrics).`);
  const srv = server;
  return {
    server: srv,
    close: async () => {
      await srv.close();
      metrics.dispose();
    },
  };
}
