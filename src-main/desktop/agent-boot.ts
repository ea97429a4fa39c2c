import type { NodeStateDto, SettingsDto } from '../contract/index.js';
import type { Clock } from '../core/clock.js';
import type { SecretVault } from '../core/identity/vaults/secret-vault.js';
import type { Logger } from '../core/logger.js';
import type { DataDirs } from '../core/store/data-dirs.js';
import type { AgentFacade } from '../service/agent-facade.js';
import type { LogHub } from '../service/log-hub.js';
import { PendingAgent } from '../service/pending-agent.js';

export interface DesktopAgentOptions {
  settings: SettingsDto;
  dirs: DataDirs;
  vault: SecretVault;
  logs: LogHub;
  logger: Logger;
  clock: Clock;
}

/**
 * Builds the agent the desktop shell runs. The agent core (src-main/core/agent) is not composed
 * into the hosts yet, so this returns a PendingAgent that explains it; the key protection
 * (including the weak-keyring warning on Linux `basic_text`) is already reported.
 */
export async function createDesktopAgent(opts: DesktopAgentOptions): Promise<AgentFacade> {
  const vault = opts.vault.describe();
  const keyProtection: NodeStateDto['keyProtection'] = vault.warning
    ? { kind: vault.protection, warning: vault.warning }
    : { kind: vault.protection };
  return new PendingAgent(opts.settings.network, keyProtection, opts.clock.now);
}
