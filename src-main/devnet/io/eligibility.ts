import type { RotationReason } from '../../core/protocol/schemas/http.js';
import type { ConfigSnapshot } from '../../core/protocol/schemas/snapshot.js';
import { operatorPauseOf } from './availability.js';
import type { NodeLink } from './link.js';
import type { NodeRecord } from './registry.js';

export interface Rotation {
  inRotation: boolean;
  /** Why the node is out of the rotation (empty when in). */
  reason: string;
  /** A `RotationView.reason` code (PROTOCOL.md, Heartbeats); absent when in. */
  code?: RotationReason;
  /** When an operator hold ends (null: until lifted); only for `operator_hold`. */
  until?: number | null;
}

/**
 * Whether a node may receive regular jobs now: active, not held out by the operator, session
 * open and accepting, network accepting jobs, heartbeat within `ttl.heartbeat_window_ms`
 * reporting a healthy runtime.
 */
export function rotationOf(
  node: NodeRecord,
  link: NodeLink | undefined,
  snapshot: ConfigSnapshot,
  now: number,
): Rotation {
  const out = (code: RotationReason, reason: string): Rotation => ({
    inRotation: false,
    reason,
    code,
  });
  if (node.status !== 'active')
    return out('status', `node status is ${node.status}: ${node.statusReason}`);
  const hold = node.rotationHold;
  if (hold && (hold.until === null || hold.until > now))
    return { ...out('operator_hold', hold.reason), until: hold.until };
  if (!link) return out('no_session', 'no open WebSocket session');
  const paused = operatorPauseOf(node, link, snapshot, now);
  if (paused) return out('operator_paused', `paused by its operator: ${paused.reason}`);
  if (!link.accepting)
    return out('not_accepting', 'the session is not accepting jobs (session_open or drain)');
  if (!snapshot.participation.accepting_jobs)
    return out('network_closed', 'the network is not accepting jobs');
  const hb = node.lastHeartbeat;
  if (!hb || node.lastHeartbeatAt === null) return out('no_heartbeat', 'no heartbeat received yet');
  const age = now - node.lastHeartbeatAt;
  if (age > snapshot.ttl.heartbeat_window_ms) {
    return out(
      'heartbeat_missed',
      `missed the heartbeat window: last heartbeat ${age} ms ago (window ${snapshot.ttl.heartbeat_window_ms} ms)`,
    );
  }
  if (hb.state === 'draining' || hb.state === 'stopped')
    return out('node_state', `node reports state ${hb.state}`);
  if (!hb.runtime.healthy) return out('runtime_unhealthy', 'node reports its runtime unhealthy');
  return { inRotation: true, reason: '' };
}

/** The node's last heartbeat lists `servedName` (or its approved repo name) as an active model. */
export function servesModel(
  node: NodeRecord,
  snapshot: ConfigSnapshot,
  servedName: string,
): boolean {
  const active = node.lastHeartbeat?.models.active;
  if (!active) return false;
  const approved = snapshot.models.find((m) => m.served_name === servedName);
  return active.some(
    (m) => m.name === servedName || (approved !== undefined && m.name === approved.name),
  );
}

export function capacityOf(link: NodeLink, snapshot: ConfigSnapshot): number {
  return Math.min(link.maxConcurrency, snapshot.jobs.max_queue_size);
}
