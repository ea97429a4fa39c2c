import type { RuntimeUpdateDto, UpdatesDto } from '../contract/index.js';
import { isNewerVersion } from '../core/config/version-compare.js';
import type { RuntimeUpdater } from '../core/config/runtime-update.js';
import type { RuntimeUpdateReport, VerifiedSnapshot } from '../core/protocol/index.js';

/** Where the updates are read: the applied snapshot and the runtime's image changes. */
export interface UpdateSources {
  snapshot(): VerifiedSnapshot | null;
  readonly runtimeUpdates?: Pick<RuntimeUpdater, 'report'> | null;
}

/** How this host gets a new agent version. */
export interface AgentUpdateHost {
  /** Plain words: how this copy gets version `available` (its updater, or by hand). */
  howTo(available: string): string;
  /** The network names a newer version: the desktop asks its updater to check now. */
  onAvailable?(version: string): void;
}

/** The headless node does not update itself: the operator installs the new version. */
export const HEADLESS_AGENT_UPDATE: AgentUpdateHost = {
  howTo: (v) =>
    `This node does not update itself: install ${v} (the new headless tarball, or the new agent image) and restart the node. See docs/OPERATING.md, "Updates".`,
};

const RUNTIME_WORDS: Record<RuntimeUpdateReport['state'], string> = {
  pulling: 'Downloading a new runtime image; the current one keeps serving jobs.',
  switching:
    'Switching to the new runtime image: new jobs wait until the running ones finish, then the new image starts and gets a test request.',
  done: 'The runtime serves the image the network asked for.',
  rolled_back:
    'The new runtime image failed its test, so the node went back to the previous image and keeps serving. Nothing to do: the network sees this in the heartbeat.',
  refused:
    'The network asked for a runtime image this computer cannot run; the current image keeps serving. Nothing to do here.',
  failed: 'The runtime update did not complete (reason below).',
};

export function runtimeUpdateDto(report: RuntimeUpdateReport): RuntimeUpdateDto {
  return {
    digest: report.digest,
    state: report.state,
    text: RUNTIME_WORDS[report.state],
    ...(report.error ? { error: report.error } : {}),
    since: report.since,
  };
}

/**
 * The `updates` the network names, for the UI: a newer agent version (the host is told once per
 * version, so the desktop's updater checks) and the last runtime image change.
 */
export class UpdatesView {
  #announced: string | null = null;

  constructor(
    private readonly agentVersion: string,
    private readonly host: AgentUpdateHost,
  ) {}

  view(config: UpdateSources): UpdatesDto {
    const named = config.snapshot()?.snapshot.updates.agent.version ?? '';
    const runtime = config.runtimeUpdates?.report() ?? null;
    const available = isNewerVersion(named, this.agentVersion) ? named : null;
    if (available && available !== this.#announced) {
      this.#announced = available;
      this.host.onAvailable?.(available);
    }
    return {
      agent: {
        current: this.agentVersion,
        available,
        howTo: available ? this.host.howTo(available) : '',
      },
      runtime: runtime ? runtimeUpdateDto(runtime) : null,
    };
  }
}
