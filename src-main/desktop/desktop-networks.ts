import { PUBLIC_PROFILES, localProfile, type DataDirs, type Logger } from '../service/host-api.js';
import { startLocalNetwork, type LocalNetwork } from '../service/local-network.js';
import { customProfile, type NetworkTarget } from '../service/network-target.js';
import type { NodeChoice } from '../service/node-kit.js';

/** For development against a vLLM server that is already running (skips Docker). */
export const RUNTIME_URL_ENV = 'RESULTITY_RUNTIME_URL';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The desktop's networks: Testnet and Mainnet (pinned profiles), a Custom network (IO service
 * and signer from Settings), and Demo: the embedded local devnet with the SIMULATED runtime,
 * started on the first Start and stopped with the node kit.
 */
export class DesktopNetworks {
  private local: Promise<LocalNetwork> | null = null;

  constructor(private readonly env: Env) {}

  async choose(dirs: DataDirs, logger: Logger, target: NetworkTarget): Promise<NodeChoice> {
    if (target.network === 'local' && !target.custom) return this.demo(dirs, logger);
    const profile = target.custom
      ? customProfile(target.custom)
      : PUBLIC_PROFILES[target.network as 'testnet' | 'mainnet'];
    const url = this.env[RUNTIME_URL_ENV]?.trim();
    if (!url) return { profile, runtime: { kind: 'docker' } };
    logger.warn(`Using the vLLM server at ${url} (${RUNTIME_URL_ENV}) instead of Docker.`);
    return { profile, runtime: { kind: 'external', url, apiKey: null, simulated: false } };
  }

  /** Stops the Demo network, when one runs. */
  async close(): Promise<void> {
    const local = this.local;
    this.local = null;
    if (local) await (await local.catch(() => null))?.close();
  }

  private async demo(dirs: DataDirs, logger: Logger): Promise<NodeChoice> {
    this.local ??= startLocalNetwork(dirs.root, true, logger);
    const local = await this.local.catch((err: unknown) => {
      this.local = null;
      throw new Error(
        `The Demo network could not start: ${(err as Error).message}. Try Start again; if it ` +
          'keeps failing, export a diagnostics bundle from Settings.',
      );
    });
    const sim = local.sim;
    if (!sim) throw new Error('The Demo network started without its simulated runtime.');
    logger.warn(
      'Demo network: jobs come from a network inside this app and get made-up text from the ' +
        'SIMULATED runtime. Nothing is earned. Choose Testnet or Mainnet in Settings to serve real jobs.',
    );
    return {
      profile: localProfile(local.devnet.url, local.devnet.signerAddress, local.devnet.wsUrl),
      runtime: { kind: 'external', url: sim.url, apiKey: sim.apiKey, simulated: true },
    };
  }
}
