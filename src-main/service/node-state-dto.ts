import type { UpdatesView } from './updates-view.js';
import type {
  BenchmarkDto,
  KeyProtectionDto,
  NetworkName,
  NodeStateDto,
} from '../contract/index.js';
import type { Clock } from '../core/clock.js';
import type { OwnerBinder } from '../core/identity/owner-binder.js';
import type { RuntimeStatus } from '../core/runtime/runtime.js';
import { servingSummary } from '../core/status/serving-summary.js';
import { accountDto, ownerServingLine } from './account-view.js';
import type { NodeRun } from './agent-host.js';
import type { PauseHost } from './pause-host.js';
import { NO_RUNTIME, runtimeDto } from './runtime-view.js';

/** What the node's state for the UI is made of besides the run (AgentHostOptions has them). */
export interface NodeStateSources {
  network: NetworkName;
  clock: Clock;
  owner: Pick<OwnerBinder, 'record'>;
  keyProtection: () => KeyProtectionDto;
  /** The last benchmark of this network (the test task's measurement). */
  benchmark?: () => BenchmarkDto | null;
  pauses?: Pick<PauseHost, 'dto'>;
  /** The updates the network names (agent version, runtime image change). */
  updates?: Pick<UpdatesView, 'view'>;
}

/** What the host remembers across runs and states. */
export interface NodeStateMemory {
  nodeId: string | null;
  /** The last state shown (its config and start time carry over). */
  previous: NodeStateDto | undefined;
}

/** The operator pause, where this node can pause. */
export function pauseField(src: NodeStateSources): Pick<NodeStateDto, 'pause'> {
  return src.pauses ? { pause: src.pauses.dto() } : {};
}

/** The state without a running agent (stopped, or a run being prepared). */
export function idleStateDto(
  src: NodeStateSources,
  mem: NodeStateMemory,
  state: NodeStateDto['state'],
  reason: string,
): NodeStateDto {
  const serving = servingSummary({
    state: { name: state, reason: capitalise(reason) },
    health: null,
    owner: ownerServingLine(src.owner.record()),
    benchmark: null,
    now: src.clock.now(),
  });
  const rec = src.owner.record();
  return {
    serving,
    state,
    reason: capitalise(reason),
    since: src.clock.now(),
    nodeId: mem.nodeId,
    network: src.network,
    owner: rec.owner,
    account: accountDto(rec),
    startedAt: null,
    runtime: NO_RUNTIME,
    config: mem.previous?.config ?? { digest: null, serial: null, status: 'none' },
    benchmark: src.benchmark?.() ?? null,
    keyProtection: src.keyProtection(),
    ...pauseField(src),
  };
}

/** The state of a run: its agent, runtime, configuration and why it does (not) get jobs. */
export function runStateDto(
  src: NodeStateSources,
  mem: NodeStateMemory,
  run: NodeRun,
  /** The test task as this run measured it (null: not yet; the stored one shows). */
  measured: { tokensPerSecond: number | null } | null,
): NodeStateDto {
  const s = run.agent.state();
  const rt: RuntimeStatus = run.runtime.status();
  const cfg = run.agent.configStatus();
  const verified = run.agent.config.snapshot();
  const serving = servingSummary({
    state: s,
    health: run.agent.health?.view() ?? null,
    owner: ownerServingLine(src.owner.record()),
    benchmark: measured ?? src.benchmark?.() ?? null,
    runtimeCause: rt.cause,
    now: src.clock.now(),
  });
  const retry = run.retryGate?.next() ?? null;
  return {
    ...idleStateDto(src, mem, s.name, s.reason),
    ...(retry ? { offline: { url: retry.url, retryAt: retry.at } } : {}),
    serving,
    since: s.since,
    startedAt: s.name === 'stopped' ? null : (mem.previous?.startedAt ?? src.clock.now()),
    runtime: runtimeDto(rt),
    config: {
      digest: verified?.digest ?? null,
      serial: verified?.snapshot.serial ?? null,
      status: cfg.state,
      ...(cfg.detail ? { detail: cfg.detail } : {}),
    },
    ...(src.updates ? { updates: src.updates.view(run.agent.config) } : {}),
  };
}

function capitalise(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}
