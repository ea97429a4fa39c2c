import { join } from 'node:path';
import type { AgentDeps, AgentOptions } from '../../../src-main/core/agent/agent-deps.js';
import { composeNode, type ComposedNode } from '../../../src-main/core/agent/compose-node.js';
import { localProfile } from '../../../src-main/core/config/network-profiles.js';
import { NodeIdentity } from '../../../src-main/core/identity/node-identity.js';
import { createLogger, type LogEntry } from '../../../src-main/core/logger.js';
import { ExternalRuntime } from '../../../src-main/core/runtime/external-runtime.js';
import { ensureDataDirs, resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';
import { LogStore } from '../../../src-main/core/store/log-store.js';
import { startDevnet, type Devnet } from '../../../src-main/devnet/io/devnet.js';
import { DEVNET_MODEL } from '../../../src-main/devnet/io/default-snapshot.js';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/index.js';

export interface RunningNode {
  node: ComposedNode;
  runtime: ExternalRuntime;
  states: string[];
  logs: LogEntry[];
  stop(): Promise<void>;
}

export async function startNetwork(stateDir: string): Promise<{ devnet: Devnet; sim: SimRuntime }> {
  const devnet = await startDevnet({ stateDir: join(stateDir, 'devnet'), wsPingIntervalMs: 2000 });
  const sim = await startSimRuntime({
    model: DEVNET_MODEL.name,
    servedModelName: DEVNET_MODEL.served_name,
    warmupMs: 0,
    ttftMs: 5,
    tokensPerSecond: 2000,
  });
  return { devnet, sim };
}

/** A real node (real HTTP client, WebSocket link, journal, engine) on the devnet. */
export async function startNode(
  root: string,
  identity: NodeIdentity,
  devnet: Devnet,
  sim: SimRuntime,
  agentOptions: AgentOptions = {},
  extra: { account?: AgentDeps['account'] } = {},
): Promise<RunningNode> {
  const dirs = resolveDataDirs(root, 'local');
  await ensureDataDirs(dirs);
  const logs: LogEntry[] = [];
  let node: ComposedNode | null = null;
  const logStore = new LogStore({
    dir: dirs.logs,
    upload: (batch) => node?.agent.uploadLogBatch(batch) ?? Promise.reject(new Error('no node')),
    onWarning: () => undefined,
  });
  await logStore.start();
  const logger = createLogger([(e) => logs.push(e), logStore.sink], { minLevel: 'debug' });
  const runtime = new ExternalRuntime({
    url: sim.url,
    apiKey: sim.apiKey,
    simulated: true,
    logger,
    healthIntervalMs: 500,
  });
  node = composeNode({
    profile: localProfile(devnet.url, devnet.signerAddress),
    dirs,
    identity,
    runtime,
    logger,
    agentVersion: '0.1.0-it',
    agentOptions: { drainTimeoutMs: 5000, pingIntervalMs: 2000, ...agentOptions },
    logStore,
    ...extra,
  });
  const composed = node;
  const states: string[] = [];
  // State names in order; a reason-only change (same name) is not repeated.
  composed.agent.onStateChange(({ state }) => {
    if (states.at(-1) !== state.name) states.push(state.name);
  });
  await composed.agent.start();
  return {
    node: composed,
    runtime,
    states,
    logs,
    stop: async () => {
      await composed.close('test over');
      await runtime.stop();
      await logStore.close();
    },
  };
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export { NodeIdentity };
