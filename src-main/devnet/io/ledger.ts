import { isOpen, type JobRecord, type JobSpec, type JobState } from './job-record.js';
import { TimingRing } from './timings.js';

/** Network-wide counters (regular jobs only; test tasks have their own). */
export interface Counters {
  jobs_submitted: number;
  jobs_assigned: number;
  jobs_completed: number;
  jobs_reassigned: number;
  jobs_failed: number;
  jobs_cancelled: number;
  accept_timeouts: number;
  deadline_misses: number;
  job_rejects: number;
  node_reported_failures: number;
  results_accepted: number;
  duplicate_results_rejected: number;
  late_results_rejected: number;
  invalid_results_rejected: number;
  unknown_results_rejected: number;
  signatures_rejected: number;
  envelopes_rejected: number;
  /** GET /v1/config/snapshot requests (a node should not fetch once per config_changed). */
  snapshot_requests: number;
  tests_assigned: number;
  tests_passed: number;
  tests_failed: number;
}

export interface NodeCounters {
  assigned: number;
  accepted: number;
  rejected: number;
  completed: number;
  failed: number;
  accept_timeouts: number;
  deadline_misses: number;
  duplicate_results: number;
  late_results: number;
  invalid_results: number;
  signatures_rejected: number;
  in_flight: number;
  last_assigned_at: number | null;
}

function zeroCounters(): Counters {
  return {
    jobs_submitted: 0,
    jobs_assigned: 0,
    jobs_completed: 0,
    jobs_reassigned: 0,
    jobs_failed: 0,
    jobs_cancelled: 0,
    accept_timeouts: 0,
    deadline_misses: 0,
    job_rejects: 0,
    node_reported_failures: 0,
    results_accepted: 0,
    duplicate_results_rejected: 0,
    late_results_rejected: 0,
    invalid_results_rejected: 0,
    unknown_results_rejected: 0,
    signatures_rejected: 0,
    envelopes_rejected: 0,
    snapshot_requests: 0,
    tests_assigned: 0,
    tests_passed: 0,
    tests_failed: 0,
  };
}

function zeroNode(): NodeCounters {
  return {
    assigned: 0,
    accepted: 0,
    rejected: 0,
    completed: 0,
    failed: 0,
    accept_timeouts: 0,
    deadline_misses: 0,
    duplicate_results: 0,
    late_results: 0,
    invalid_results: 0,
    signatures_rejected: 0,
    in_flight: 0,
    last_assigned_at: null,
  };
}

/**
 * Every job the devnet knows, the counters and the timings. State changes go through `setState`
 * so the per-state counts stay exact; terminal jobs beyond `maxRetained` are forgotten oldest
 * first (the counters keep them).
 */
export class JobLedger {
  readonly counters = zeroCounters();
  readonly timings = new TimingRing();
  private readonly jobs = new Map<string, JobRecord>();
  private readonly nodes = new Map<string, NodeCounters>();
  private readonly byState: Record<JobState, number> = {
    pending: 0,
    assigned: 0,
    accepted: 0,
    completed: 0,
    failed: 0,
  };
  private readonly terminalOrder: string[] = [];
  private terminalHead = 0;

  constructor(
    private readonly maxRetained: number,
    private readonly onChange: (job: JobRecord) => void = () => {},
  ) {}

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  all(): IterableIterator<JobRecord> {
    return this.jobs.values();
  }

  /** Adds a job (new or restored). Restored terminal jobs count toward the counters too. */
  add(job: JobRecord, restored = false): void {
    this.jobs.set(job.id, job);
    if (job.test) return;
    this.byState[job.state]++;
    if (!restored) this.counters.jobs_submitted++;
    if (!isOpen(job)) this.terminalOrder.push(job.id);
    this.onChange(job);
  }

  setState(job: JobRecord, state: JobState): void {
    if (job.state === state) return;
    if (!job.test) {
      this.byState[job.state]--;
      this.byState[state]++;
      if (state === 'completed') this.counters.jobs_completed++;
      if (state === 'failed') this.counters.jobs_failed++;
    }
    job.state = state;
    if (!isOpen(job) && !job.test) this.retire(job);
    this.onChange(job);
  }

  /** Records a change to a job that keeps its state (persistence hook). */
  touch(job: JobRecord): void {
    this.onChange(job);
  }

  countOf(state: JobState): number {
    return this.byState[state];
  }

  node(nodeKey: string): NodeCounters {
    let c = this.nodes.get(nodeKey);
    if (!c) this.nodes.set(nodeKey, (c = zeroNode()));
    return c;
  }

  nodeEntries(): IterableIterator<[string, NodeCounters]> {
    return this.nodes.entries();
  }

  /** Restores counters saved by a previous run. */
  restoreCounters(saved: Partial<Counters>): void {
    for (const [k, v] of Object.entries(saved)) {
      if (k in this.counters && typeof v === 'number') this.counters[k as keyof Counters] = v;
    }
  }

  private retire(job: JobRecord): void {
    job.spec = trimmed(job.spec);
    this.terminalOrder.push(job.id);
    while (this.terminalOrder.length - this.terminalHead > this.maxRetained) {
      const id = this.terminalOrder[this.terminalHead++]!;
      const old = this.jobs.get(id);
      if (old && !isOpen(old)) this.jobs.delete(id);
    }
    if (this.terminalHead > 100_000) {
      this.terminalOrder.splice(0, this.terminalHead);
      this.terminalHead = 0;
    }
  }
}

const KEEP_CHARS = 200;

/** A finished job keeps only the start of its prompt: the ledger may hold many of them. */
function trimmed(spec: JobSpec): JobSpec {
  const cut = (t: string) => (t.length > KEEP_CHARS ? `${t.slice(0, KEEP_CHARS)}…` : t);
  if (spec.prompt !== undefined && spec.prompt.length > KEEP_CHARS)
    return { ...spec, prompt: cut(spec.prompt) };
  if (spec.messages?.some((m) => m.content.length > KEEP_CHARS)) {
    return { ...spec, messages: spec.messages.map((m) => ({ ...m, content: cut(m.content) })) };
  }
  return spec;
}
