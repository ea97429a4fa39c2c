import type { RotationView } from '../../core/protocol/schemas/http.js';
import type { ConfigSnapshot } from '../../core/protocol/schemas/snapshot.js';
import { rotationOf } from './eligibility.js';
import type { NodeLink } from './link.js';
import type { NodeRecord } from './registry.js';

/**
 * The `rotation` of a heartbeat answer (PROTOCOL.md, Heartbeats): in or out and why, an operator
 * hold's end, and a deprioritisation. Times go out on the network clock (`toNetwork`).
 */
export function rotationView(
  node: NodeRecord,
  link: NodeLink | undefined,
  snapshot: ConfigSnapshot,
  now: number,
  deprioritised: { until: number; reason: string } | null,
  toNetwork: (t: number) => number = (t) => t,
): RotationView {
  const r = rotationOf(node, link, snapshot, now);
  const view: RotationView = { in_rotation: r.inRotation };
  if (!r.inRotation) {
    view.reason = r.code;
    view.detail = r.reason.slice(0, 500);
    if (r.until !== undefined) view.until = r.until === null ? null : toNetwork(r.until);
  }
  view.deprioritised = deprioritised
    ? { reason: deprioritised.reason.slice(0, 500), until: toNetwork(deprioritised.until) }
    : null;
  return view;
}
