import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';
import { HeadlessConfig } from '../../../src-main/headless/options.js';
import type { Reporter } from '../../../src-main/headless/reporter.js';
import { startTestDevnet } from '../devnet/harness.js';

/** A reporter that prints nothing (the test reads the node's state itself). */
export const silentReporter = new Proxy({}, { get: () => () => undefined }) as Reporter;

/** A devnet and a simulated runtime for headless nodes of one test file, in a temp root. */
export interface DevnetWithSim {
  root: string;
  devnet: Awaited<ReturnType<typeof startTestDevnet>>;
  sim: SimRuntime;
  /** A headless node's configuration joining this devnet and runtime (dashboard from root). */
  headlessConfig(dataDir: string): HeadlessConfig;
  /** Closes the runtime and the devnet and removes the root. */
  close(): Promise<void>;
}

export async function startDevnetWithSim(rootPrefix: string): Promise<DevnetWithSim> {
  const root = await mkdtemp(join(tmpdir(), rootPrefix));
  const devnet = await startTestDevnet();
  // Serves the model the devnet's default configuration names, so a node passes its test.
  const sim = await startSimRuntime({ warmupMs: 0, servedModelName: 'sim-chat-1b' });
  return {
    root,
    devnet,
    sim,
    headlessConfig: (dataDir) =>
      HeadlessConfig.parse({
        dataDir,
        dashboardDir: root,
        ioUrl: devnet.url,
        networkSigner: devnet.signerAddress,
        runtimeUrl: sim.url,
        ...(sim.apiKey ? { runtimeApiKey: sim.apiKey } : {}),
        opsPort: 'off',
      }),
    close: async () => {
      await sim.close();
      await devnet.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
