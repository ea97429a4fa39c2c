import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/logger.js';
import type { Devnet } from '../devnet/io/devnet.js';
import type { SimRuntime } from '../devnet/sim-runtime/server.js';

export interface LocalNetwork {
  devnet: Devnet;
  /** The SIMULATED runtime; null when the operator brought a real one. */
  sim: SimRuntime | null;
  close(): Promise<void>;
}

/**
 * The `local` profile: the devnet's IO service in this process (its state and network key kept
 * under the data folder, so the pinned signer survives restarts) and, unless the operator runs a
 * real runtime, the simulated one.
 */
export async function startLocalNetwork(
  dataRoot: string,
  withSimRuntime: boolean,
  logger: Logger,
): Promise<LocalNetwork> {
  // Loaded on demand (layer rule): only the local profile runs the devnet.
  const { startDevnet } = await import('../devnet/io/devnet.js');
  const { DEVNET_MODEL } = await import('../devnet/io/default-snapshot.js');
  // server.js, not index.js: the bundle needs only the server, not the load generator.
  const { startSimRuntime } = await import('../devnet/sim-runtime/server.js');
  const stateDir = join(dataRoot, 'local-devnet');
  // It holds the devnet's network key: private to this user, like the node's own folders.
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const devnet = await startDevnet({
    stateDir,
    logger: logger.child('devnet'),
    // Short retry of the test task so a restarted node becomes active quickly.
    testRetryMs: 5_000,
  });
  let sim: SimRuntime | null = null;
  if (withSimRuntime) {
    try {
      sim = await startSimRuntime({
        model: DEVNET_MODEL.name,
        servedModelName: DEVNET_MODEL.served_name,
        warmupMs: 500,
      });
    } catch (err) {
      await devnet.close();
      throw err;
    }
  }
  return {
    devnet,
    sim,
    close: async () => {
      await sim?.close();
      await devnet.close();
    },
  };
}
