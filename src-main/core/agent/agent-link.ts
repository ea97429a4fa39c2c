import type { ConfigSync } from '../config/config-sync.js';
import { wsUrlFor } from '../config/network-profiles.js';
import type { Logger } from '../logger.js';
import type { IoApi } from '../network/io-http-client.js';
import type { SessionInfo } from '../network/job-link.js';
import type { NetworkClock } from '../network/network-clock.js';
import type { AgentDeps } from './agent-deps.js';
import { clockSkewProblem } from './clock-check.js';
import type { NodeHealth } from './health.js';
import { routeNetworkMessage } from './link-router.js';
import type { NetworkPause } from './network-pause.js';
import type { SessionAnnouncer } from './session-announcer.js';

/** What the job link needs from the agent: its parts, and what to do on its events. */
export interface AgentLinkParts {
  deps: AgentDeps;
  io: IoApi;
  config: ConfigSync;
  health: NodeHealth;
  announcer: SessionAnnouncer;
  networkClock: NetworkClock;
  pause: NetworkPause;
  log: Logger;
  /** The session path registration gave. */
  wsPath: string;
  onUp(session: SessionInfo): void;
  /** The network no longer knows this node. */
  reRegister(): void;
}

/**
 * Opens the shared job link (created on the first start) and hands what the network sends to
 * the part of the node that owns it: jobs to the engine, configuration to ConfigSync, status to
 * health, a drain to the network pause.
 */
export function startAgentLink(p: AgentLinkParts): void {
  const { clock, identity, profile, logger, agentVersion, options, link, jobEngine } = p.deps;
  const ttl = p.config.snapshot()?.snapshot.ttl;
  const drainDefault = options?.drainTimeoutMs ?? 60_000;
  link.start({
    link: {
      url: wsUrlFor(profile, p.wsPath),
      signer: identity,
      clock,
      logger,
      agentVersion,
      sessionParams: () => p.announcer.params(),
      onServerTime: (t, at) => p.networkClock.observe(t, at),
      ...(ttl ? { retry: { baseMs: ttl.retry_base_ms, maxMs: ttl.retry_max_ms } } : {}),
      ...(options?.pingIntervalMs ? { pingIntervalMs: options.pingIntervalMs } : {}),
    },
    graceMs: options?.linkGraceMs ?? 5000,
    hooks: {
      up: (session) => p.onUp(session),
      problem: (reason) => p.health.set('link', reason),
      notRegistered: () => p.reRegister(),
      unauthorised: () => void checkClock(p),
      message: (msg) =>
        routeNetworkMessage(msg, {
          jobs: jobEngine,
          localJob: (job) => p.networkClock.toLocal(job),
          logger: p.log,
          configAdvertised: (digest, why) => void p.config.advertised(digest, why),
          nodeStatus: (status, why) => p.health.setNodeStatus(status, why),
          // A pause, never an exit: only the operator stops the process.
          drain: (why, deadline) => p.pause.begin(why, deadline ?? drainDefault),
          notRegistered: () => p.reRegister(),
        }),
    },
  });
}

/** A refused session: tell a skewed clock (fixable by the operator) from anything else. */
async function checkClock(p: AgentLinkParts): Promise<void> {
  const skew = p.config.snapshot()?.snapshot.ttl.clock_skew_ms ?? 60_000;
  const problem = await clockSkewProblem(p.io, p.deps.clock, skew);
  if (problem) p.health.set('clock', problem);
}
