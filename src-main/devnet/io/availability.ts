import type { ConfigSnapshot } from '../../core/protocol/schemas/snapshot.js';
import type { OperatorPause } from '../../core/protocol/schemas/pause.js';
import type { NodeLink } from './link.js';
import type { NodeRecord } from './registry.js';

/** How the network counts a node's time: serving (`up`), paused by its operator, or down. */
export type Availability = 'up' | 'operator_paused' | 'down';

/**
 * The operator's pause a node reports (docs/PROTOCOL.md, "Operator pause"): in its open
 * session's `session_open`, or in its last heartbeat while that is within the window.
 */
export function operatorPauseOf(
  node: NodeRecord,
  link: NodeLink | undefined,
  snapshot: ConfigSnapshot,
  now: number,
): OperatorPause | null {
  if (link?.operatorPause) return link.operatorPause;
  const hb = node.lastHeartbeat;
  if (!hb?.operator_pause || node.lastHeartbeatAt === null) return null;
  return now - node.lastHeartbeatAt <= snapshot.ttl.heartbeat_window_ms ? hb.operator_pause : null;
}

/**
 * A paused node still heartbeats: it is `operator_paused`, never `down`. Down is a node silent
 * past the heartbeat window, without a session, or reporting an unhealthy runtime.
 */
export function availabilityOf(
  node: NodeRecord,
  link: NodeLink | undefined,
  snapshot: ConfigSnapshot,
  now: number,
): Availability {
  if (operatorPauseOf(node, link, snapshot, now)) return 'operator_paused';
  const at = node.lastHeartbeatAt;
  if (at === null || now - at > snapshot.ttl.heartbeat_window_ms || !link) return 'down';
  return node.lastHeartbeat?.runtime.healthy ? 'up' : 'down';
}

export interface AvailabilityTotals {
  state: Availability;
  up_ms: number;
  operator_paused_ms: number;
  down_ms: number;
}

/** Per node, the time spent in each availability, accumulated at every observation. */
export class AvailabilityLedger {
  private readonly nodes = new Map<
    string,
    { state: Availability; at: number; totals: AvailabilityTotals }
  >();

  /** Counts the time since the last observation in the state seen then, and records `state`. */
  observe(nodeKey: string, state: Availability, now: number): AvailabilityTotals {
    const entry = this.nodes.get(nodeKey);
    if (!entry) {
      const totals = { state, up_ms: 0, operator_paused_ms: 0, down_ms: 0 };
      this.nodes.set(nodeKey, { state, at: now, totals });
      return totals;
    }
    const elapsed = Math.max(0, now - entry.at);
    entry.totals[`${entry.state}_ms`] += elapsed;
    entry.state = state;
    entry.at = now;
    entry.totals.state = state;
    return { ...entry.totals };
  }
}
