import type { ConfigSync } from '../config/config-sync.js';
import type { Logger } from '../logger.js';
import type { PowerEnvelope } from '../protocol/index.js';
import { concurrencyCapOf, type AgentDeps } from './agent-deps.js';
import type { NodeHealth } from './health.js';
import { NetworkPause } from './network-pause.js';
import { OperatorPause } from './operator-pause.js';
import { SessionAnnouncer } from './session-announcer.js';

export interface AgentPauses {
  /** The network's drain. */
  network: NetworkPause;
  /** The operator's pause (manual, schedule, a game on the GPU…). */
  operator: OperatorPause;
  /** What the job session announces, which both pauses turn to "not accepting". */
  announcer: SessionAnnouncer;
}

export interface AgentPausesDeps {
  deps: AgentDeps;
  config: ConfigSync;
  health: NodeHealth;
  /** Registered and online (not starting, registering or stopping). */
  online: () => boolean;
  /** Sends a heartbeat now. */
  heartbeat: () => void;
  log: Logger;
}

/**
 * The cap on jobs at once the session announces: the operator's, halved while the GPU is over
 * the operator's temperature ceiling or power cap (the first step before a thermal/power pause).
 */
export function jobsCapOf(deps: AgentDeps, config: Pick<ConfigSync, 'snapshot'>): number | null {
  const cap = concurrencyCapOf(deps);
  if (!deps.gpuLimits?.reducing()) return cap;
  const slots = deps.runtime.capacity?.() ?? config.snapshot()?.snapshot.runtime.max_num_seqs ?? 1;
  const full = cap === null ? slots : Math.min(cap, slots);
  return Math.max(1, Math.floor(full / 2));
}

/** The operator's limits as heartbeats carry them, with the reduced figure while reducing. */
export function powerEnvelopeOf(
  deps: Pick<AgentDeps, 'gpuLimits'>,
  announcer: Pick<SessionAnnouncer, 'concurrency'>,
): PowerEnvelope | null {
  const limits = deps.gpuLimits;
  return limits?.envelope(limits.reducing() ? announcer.concurrency() : null) ?? null;
}

/** The two pauses and the session announcement they feed, wired to each other. */
export function createAgentPauses(p: AgentPausesDeps): AgentPauses {
  const { deps, config, health, log } = p;
  // The network hears of an operator pause (or its end) at once: a new session, a heartbeat.
  const announce = () => {
    if (!p.online()) return;
    if (deps.link.state === 'ready') deps.link.reconnect();
    p.heartbeat();
  };
  const network: NetworkPause = new NetworkPause({
    jobs: deps.jobEngine,
    link: deps.link,
    showPaused: (reason) => health.setPaused(reason),
    resumeAfterMs: () => config.snapshot()?.snapshot.ttl.retry_max_ms ?? 30_000,
    operatorHolding: () => operator.holding,
    log,
  });
  const operator: OperatorPause = new OperatorPause({
    clock: deps.clock,
    jobs: deps.jobEngine,
    runtime: deps.runtime,
    config,
    announce,
    showPaused: (reason) => health.setOperatorPaused(reason),
    networkHolding: () => network.active,
    ...(deps.options?.pauseGraceMs !== undefined ? { graceMs: deps.options.pauseGraceMs } : {}),
    log,
  });
  const announcer = new SessionAnnouncer({
    config,
    link: deps.link,
    runtime: deps.runtime,
    journal: deps.journal,
    cap: () => jobsCapOf(deps, config),
    online: () => p.online() && !network.holding && !operator.holding,
    operatorPause: () => operator.wire(),
    jobs: deps.jobEngine,
    clock: deps.clock,
    log,
  });
  return { network, operator, announcer };
}
