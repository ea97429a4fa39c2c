import type { DevnetCore } from './core.js';
import { operatorPauseOf } from './availability.js';
import { capacityOf, rotationOf } from './eligibility.js';
import { rotationView } from './rotation-view.js';
import { JOB_STATES, type JobRecord, type JobState } from './job-record.js';
import type { NodeRecord } from './registry.js';

/** JSON shapes the admin API returns (node IDs in EIP-55 form, times in ms). */
export function jobView(core: DevnetCore, job: JobRecord): Record<string, unknown> {
  const id = (key: string | null) => (key ? (core.registry.get(key)?.nodeId ?? key) : null);
  return {
    job_id: job.id,
    state: job.state,
    test: job.test,
    spec: job.spec,
    submitted_at: job.submittedAt,
    expires_at: job.expiresAt,
    attempts: job.attempts,
    node: id(job.node),
    assigned_at: job.assignedAt,
    accepted_at: job.acceptedAt,
    deadline_at: job.deadlineAt,
    taken_from: job.takenFrom.map(id),
    completed_by: id(job.completedBy),
    finished_at: job.finishedAt,
    duration_ms: job.durationMs,
    fail_reason: job.failReason,
    cancelled: job.cancelled,
    result: job.result,
    events: job.events.map((e) => ({ ...e, node: e.node ? id(e.node) : undefined })),
  };
}

export function nodeView(
  core: DevnetCore,
  node: NodeRecord,
  detail = false,
): Record<string, unknown> {
  const key = node.nodeId.toLowerCase();
  const now = core.opts.clock.now();
  const snap = core.config.effective;
  const link = core.dispatcher.links.get(key);
  const rotation = rotationOf(node, link, snap, now);
  const base = {
    node_id: node.nodeId,
    status: node.status,
    status_reason: node.statusReason,
    owner: node.owner,
    owner_verified_at: node.ownerVerifiedAt,
    owner_refusal: core.owners.lastRefusal(node),
    agent_version: node.agentVersion,
    registered_at: node.registeredAt,
    in_rotation: rotation.inRotation,
    out_of_rotation_reason: rotation.reason || undefined,
    operator_pause: operatorPauseOf(node, link, snap, now),
    availability: core.observeAvailability(node),
    deprioritised: core.dispatcher.isDeprioritised(key),
    rotation: rotationView(node, link, snap, now, core.dispatcher.deprioritisation(key)),
    session: link
      ? {
          session_id: link.sessionId,
          opened_at: link.openedAt,
          accepting: link.accepting,
          max_concurrency: link.maxConcurrency,
          capacity: capacityOf(link, snap),
        }
      : null,
    in_flight: core.dispatcher.inFlightOf(key),
    last_heartbeat_at: node.lastHeartbeatAt,
    heartbeats: node.heartbeats,
    counters: core.ledger.node(key),
  };
  if (!detail) return base;
  return {
    ...base,
    hardware: node.hardware,
    public_key: node.publicKey,
    last_heartbeat: node.lastHeartbeat,
    pongs: core.control.pongsOf(key),
    drains: core.control.drainsOf(key),
  };
}

/** Job ids by state (capped per state), with exact counts of the open states. */
export function jobsByState(
  core: DevnetCore,
  only: JobState | null,
  limit: number,
): Record<string, unknown> {
  const ids: Record<string, string[]> = {};
  for (const s of JOB_STATES) if (!only || only === s) ids[s] = [];
  for (const job of core.ledger.all()) {
    if (job.test) continue;
    const list = ids[job.state];
    if (list && list.length < limit) list.push(job.id);
  }
  return { counts: stateCounts(core), ids };
}

export function stateCounts(core: DevnetCore): Record<JobState, number> {
  const c = core.ledger.counters;
  return {
    pending: core.ledger.countOf('pending'),
    assigned: core.ledger.countOf('assigned'),
    accepted: core.ledger.countOf('accepted'),
    completed: c.jobs_completed,
    failed: c.jobs_failed,
  };
}

export function testTasks(core: DevnetCore): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const job of core.ledger.all()) if (job.test) out.push(jobView(core, job));
  return out;
}

export interface StatsQuery {
  timings: boolean;
  limit: number;
}

/** GET /v1/admin/stats: counters, open-job counts, timings and per-node counters. */
export function statsView(core: DevnetCore, q: StatsQuery): Record<string, unknown> {
  const c = core.ledger.counters;
  const pending = core.ledger.countOf('pending');
  const inFlight = core.ledger.countOf('assigned') + core.ledger.countOf('accepted');
  let active = 0;
  let inRotation = 0;
  const nodes: Record<string, unknown> = {};
  for (const node of core.registry.all()) {
    if (node.status === 'active') active++;
    const v = nodeView(core, node);
    if (v.in_rotation) inRotation++;
    nodes[node.nodeId] = v;
  }
  const served = core.config.served();
  return {
    ...c,
    jobs_pending: pending,
    jobs_in_flight: inFlight,
    // Regular and test jobs the sweep times out; a gap to jobs_in_flight, or an old
    // last_sweep_at, would be assignments the devnet no longer watches.
    sweep: {
      watched_in_flight: core.dispatcher.watchedInFlight,
      last_sweep_at: core.dispatcher.lastSweepAt,
    },
    active_nodes: active,
    nodes_registered: core.registry.size,
    nodes_in_rotation: inRotation,
    sessions_open: core.sessions?.openSessions ?? 0,
    log_batches_received: core.logs.batchesReceived,
    timings: {
      assign_to_result_ms: core.ledger.timings.summary(),
      ...(q.timings ? { assign_to_result_ms_values: core.ledger.timings.values(q.limit) } : {}),
    },
    config: {
      serial: core.history.current.serial,
      config_digest: core.history.current.signed.config_digest,
      served_serial: served.serial,
    },
    faults: core.faults.state,
    workload: core.workload.current(),
    nodes,
    server_time: core.gate.serverTime(),
  };
}
