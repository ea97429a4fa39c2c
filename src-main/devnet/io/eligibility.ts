import type { ConfigSnapshot } from '../../core/protocol/schemas/snapshot.js';
import type { NodeLink } from './link.js';
import type { NodeRecord } from './registry.js';

export interface Rotation {
  inRotation: boolean;
  /** Why the node is out of the rotation (empty when in). */
  reason: string;
}

/**
 * Whether a node may receive regular jobs now: active, session open and accepting, network
 * accepting jobs, heartbeat within `ttl.heartbeat_window_ms` reporting a healthy runtime.
 */
export function rotationOf(
  node: NodeRecord,
  link: NodeLink | undefined,
  snapshot: ConfigSnapshot,
  now: number,
): Rotation {
  const out = (reason: string): Rotation => ({ inRotation: false, reason });
  if (node.status !== 'active') return out(`node status is ${node.status}: ${node.statusReason}`);
  if (!link) return out('no open WebSocket session');
  if (!link.accepting) return out('the session is not accepting jobs (session_open or drain)');
  if (!snapshot.participation.accepting_jobs) return out('the network is not accepting jobs');
  const hb = node.lastHeartbeat;
  if (!hb || node.lastHeartbeatAt === null) return out('no heartbeat received yet');
  const age = now - node.lastHeartbeatAt;
  if (age > snapshot.ttl.heartbeat_window_ms) {
    return out(
      `missed the heartbeat window: last heartbeat ${age} ms ago (window ${snapshot.ttl.heartbeat_window_ms} ms)`,
    );
  }
  if (hb.state === 'draining' || hb.state === 'stopped')
    return out(`node reports state ${hb.state}`);
  if (!hb.runtime.healthy) return out('node reports its runtime unhealthy');
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
