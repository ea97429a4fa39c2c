import { join } from 'node:path';
import { composeNode, type ComposedNode } from '../../../src-main/core/agent/compose-node.js';
import { localProfile } from '../../../src-main/core/config/network-profiles.js';
import { NodeIdentity } from '../../../src-main/core/identity/node-identity.js';
import { createLogger, type LogEntry } from '../../../src-main/core/logger.js';
import { ExternalRuntime } from '../../../src-main/core/runtime/external-runtime.js';
import { ensureDataDirs, resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';
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
): Promise<RunningNode> {
  const dirs = resolveDataDirs(root, 'local');
  await ensureDataDirs(dirs);
  const logs: LogEntry[] = [];
  const logger = createLogger([(e) => logs.push(e)], { minLevel: 'debug' });
  const runtime = new ExternalRuntime({
    url: sim.url,
    apiKey: sim.apiKey,
    simulated: true,
    logger,
    healthIntervalMs: 500,
  });
  const node = composeNode({
    profile: localProfile(devnet.url, devnet.signerAddress),
    dirs,
    identity,
    runtime,
    logger,
    agentVersion: '0.1.0-it',
    agentOptions: { drainTimeoutMs: 5000, pingIntervalMs: 2000 },
  });
  const states: string[] = [];
  node.agent.subscribe((s) => states.push(s.name));
  await node.agent.start();
  return {
    node,
    runtime,
    states,
    logs,
    stop: async () => {
      await node.close('test over');
      await runtime.stop();
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
