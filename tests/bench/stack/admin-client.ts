/** A small typed client of the devnet's admin API (`/v1/admin/*`, bearer token). */
import type { TimingSummary } from '../../../src-main/devnet/io/timings.js';

export interface NodeView {
  node_id: string;
  status: string;
  status_reason: string | null;
  in_rotation: boolean;
  out_of_rotation_reason?: string;
  session: {
    session_id: string;
    opened_at: number;
    accepting: boolean;
    max_concurrency: number;
    capacity: number;
  } | null;
  in_flight: number;
  last_heartbeat_at: number | null;
  heartbeats: number;
  last_heartbeat?: {
    state: string;
    state_reason?: string;
    config_digest: string | null;
    config_status: { state: string; detail?: string | null };
    runtime: { healthy: boolean };
  } & Record<string, unknown>;
}

/** GET /v1/admin/stats (the fields the tests and the benchmark read). */
export interface DevnetStats {
  jobs_submitted: number;
  jobs_assigned: number;
  jobs_completed: number;
  jobs_failed: number;
  jobs_reassigned: number;
  jobs_pending: number;
  jobs_in_flight: number;
  results_accepted: number;
  duplicate_results_rejected: number;
  late_results_rejected: number;
  invalid_results_rejected: number;
  unknown_results_rejected: number;
  node_reported_failures: number;
  accept_timeouts: number;
  deadline_misses: number;
  envelopes_rejected: number;
  snapshot_requests: number;
  signatures_rejected: number;
  sessions_open: number;
  active_nodes: number;
  nodes_in_rotation: number;
  timings: { assign_to_result_ms: TimingSummary; assign_to_result_ms_values?: number[] };
  config: { serial: number; config_digest: string; served_serial: number };
  workload: { running: boolean; submitted: number; target: number | null };
  faults: Record<string, unknown>;
  nodes: Record<string, NodeView>;
  /** What the devnet's sweep watches (accept timeouts, deadlines) and when it last ran. */
  sweep: { watched_in_flight: number; last_sweep_at: number };
  server_time: number;
}

export interface JobView {
  job_id: string;
  state: 'pending' | 'assigned' | 'accepted' | 'completed' | 'failed';
  attempts: number;
  assigned_at: number | null;
  deadline_at: number | null;
  expires_at: number;
  duration_ms: number | null;
  finished_at: number | null;
  fail_reason: string | null;
  completed_by: string | null;
  result: {
    status: string;
    usage: { prompt_tokens: number; completion_tokens: number };
    timings: { runtime_ms: number; received_at: number; finished_at: number };
  } | null;
  events: { at: number; event: string; node?: string; detail?: string }[];
}

export interface JobsByState {
  counts: Record<JobView['state'], number>;
  ids: Partial<Record<JobView['state'], string[]>>;
}

export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  stats(timings = false, limit = 100_000): Promise<DevnetStats> {
    return this.call('GET', `/v1/admin/stats${timings ? `?timings=1&limit=${limit}` : ''}`);
  }

  resetTimings(): Promise<unknown> {
    return this.call('POST', '/v1/admin/stats/reset-timings');
  }

  submitJobs(input: Record<string, unknown>): Promise<{ count: number; job_ids: string[] }> {
    return this.call('POST', '/v1/admin/jobs', input);
  }

  jobs(state?: JobView['state'], limit = 1_000_000): Promise<JobsByState> {
    const q = new URLSearchParams({ limit: String(limit), ...(state ? { state } : {}) });
    return this.call('GET', `/v1/admin/jobs?${q.toString()}`);
  }

  job(id: string): Promise<JobView> {
    return this.call('GET', `/v1/admin/jobs/${encodeURIComponent(id)}`);
  }

  startWorkload(input: Record<string, unknown>): Promise<unknown> {
    return this.call('POST', '/v1/admin/workload', input);
  }

  stopWorkload(): Promise<unknown> {
    return this.call('POST', '/v1/admin/workload/stop');
  }

  setFaults(input: Record<string, unknown>): Promise<unknown> {
    return this.call('POST', '/v1/admin/faults', input);
  }

  clearFaults(): Promise<unknown> {
    return this.call('DELETE', '/v1/admin/faults');
  }

  publish(merge: Record<string, unknown>): Promise<{ serial: number; config_digest: string }> {
    return this.call('POST', '/v1/admin/snapshot', { merge });
  }

  node(id: string): Promise<NodeView> {
    return this.call('GET', `/v1/admin/nodes/${id}`);
  }

  /** Holds a node out of the job rotation (`in_rotation: false`) or lets it back in. */
  setRotation(
    id: string,
    input: { in_rotation: boolean; reason?: string; duration_ms?: number },
  ): Promise<NodeView> {
    return this.call('POST', `/v1/admin/nodes/${id}/rotation`, input);
  }

  /** Fetches many job views with a few requests in flight at once. */
  async jobViews(ids: string[], parallel = 8): Promise<JobView[]> {
    const out: JobView[] = new Array<JobView>(ids.length);
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const i = next++;
        out[i] = await this.job(ids[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, ids.length) }, worker));
    return out;
  }
}

/** Jobs neither completed nor failed, and results accepted twice, from stats and job states. */
export async function ledgerCheck(admin: AdminClient): Promise<{
  submitted: number;
  completed: number;
  failed: number;
  lost: number;
  duplicatesAccepted: number;
  openIds: string[];
}> {
  const [s, byState] = await Promise.all([admin.stats(), admin.jobs()]);
  const openIds = [
    ...(byState.ids.pending ?? []),
    ...(byState.ids.assigned ?? []),
    ...(byState.ids.accepted ?? []),
  ];
  const closed = (byState.ids.completed?.length ?? 0) + (byState.ids.failed?.length ?? 0);
  // Every submitted job must be listed as completed or failed; the counters must agree.
  const lost = Math.max(
    s.jobs_submitted - s.jobs_completed - s.jobs_failed,
    s.jobs_submitted - closed,
    openIds.length,
  );
  return {
    submitted: s.jobs_submitted,
    completed: s.jobs_completed,
    failed: s.jobs_failed,
    lost,
    // The devnet accepts a result only for an open job: more accepted results than completed
    // jobs would mean one job was accepted twice.
    duplicatesAccepted: Math.max(0, s.results_accepted - s.jobs_completed),
    openIds,
  };
}
