import type { z } from 'zod';
import type { ChatMessage, JobResultBody } from '../../core/protocol/schemas/ws.js';

/** The parts of a job the submitter decides; the dispatcher adds ids and times. */
export interface JobSpec {
  model: string;
  kind: 'chat' | 'completion';
  messages?: z.infer<typeof ChatMessage>[];
  prompt?: string;
  max_tokens: number;
  temperature?: number;
  seed?: number;
  stream_partial?: boolean;
}

export type JobState = 'pending' | 'assigned' | 'accepted' | 'completed' | 'failed';
export const JOB_STATES: readonly JobState[] = [
  'pending',
  'assigned',
  'accepted',
  'completed',
  'failed',
];

export interface JobEvent {
  at: number;
  event: string;
  node?: string;
  detail?: string;
}

export interface ResultSummary {
  status: JobResultBody['status'];
  finish_reason: JobResultBody['finish_reason'];
  output_hash: string;
  output_chars: number;
  /** The first 200 characters of the output. */
  output_preview: string;
  usage: JobResultBody['usage'];
  timings: JobResultBody['timings'];
}

/** One job in the ledger. `node` and `takenFrom` hold lower-case node IDs. */
export interface JobRecord {
  id: string;
  spec: JobSpec;
  /** A registration test task, bound to one node and kept out of the job counters. */
  test: boolean;
  state: JobState;
  submittedAt: number;
  /** The whole job must be done by then, whatever happens to single assignments. */
  expiresAt: number;
  /** Time one assignment gets (deadline_at = assigned_at + this, capped by expiresAt). */
  attemptTimeoutMs: number;
  attempts: number;
  /** Not before this instant on a node the job was taken from (a short, growing hold). */
  retryAt?: number;
  node: string | null;
  assignedAt: number | null;
  acceptBy: number | null;
  acceptedAt: number | null;
  deadlineAt: number | null;
  /** performance.now() right before the job_assign frame went out. */
  assignedPerf: number | null;
  takenFrom: string[];
  completedBy: string | null;
  finishedAt: number | null;
  /** Assignment sent → result received, in ms. */
  durationMs: number | null;
  failReason: string | null;
  cancelled: boolean;
  result: ResultSummary | null;
  events: JobEvent[];
}

export const MAX_JOB_EVENTS = 32;

export function addEvent(job: JobRecord, e: JobEvent): void {
  if (job.events.length < MAX_JOB_EVENTS) job.events.push(e);
}

export function isOpen(job: JobRecord): boolean {
  return job.state !== 'completed' && job.state !== 'failed';
}

export function isInFlight(job: JobRecord): boolean {
  return job.state === 'assigned' || job.state === 'accepted';
}

export function newJob(
  id: string,
  spec: JobSpec,
  test: boolean,
  now: number,
  attemptTimeoutMs: number,
  expiresAt: number,
): JobRecord {
  return {
    id,
    spec,
    test,
    state: 'pending',
    submittedAt: now,
    expiresAt,
    attemptTimeoutMs,
    attempts: 0,
    node: null,
    assignedAt: null,
    acceptBy: null,
    acceptedAt: null,
    deadlineAt: null,
    assignedPerf: null,
    takenFrom: [],
    completedBy: null,
    finishedAt: null,
    durationMs: null,
    failReason: null,
    cancelled: false,
    result: null,
    events: [],
  };
}
