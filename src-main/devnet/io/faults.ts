import { z } from 'zod';

const Toggle = z.boolean();

/** Body of POST /v1/admin/faults: each field switches one fault on (value) or off (false). */
export const FaultsInput = z.strictObject({
  /** Terminate the node's socket right after a job_assign went out (`times`: then switch off). */
  drop_ws_mid_job: z
    .union([Toggle, z.strictObject({ times: z.number().int().positive().optional() })])
    .optional(),
  /** Accept HTTP and WebSocket connections but never answer anything (no pongs either). */
  stop_answering: Toggle.optional(),
  /** Send invalid JSON, a schema-violating frame and an unknown frame type to every session. */
  malformed_frames: Toggle.optional(),
  /** Send a frame larger than MAX_FRAME_BYTES to every session. */
  oversized_frames: z
    .union([
      Toggle,
      z.strictObject({
        bytes: z
          .number()
          .int()
          .positive()
          .max(64 * 1024 * 1024)
          .optional(),
      }),
    ])
    .optional(),
  /** Serve and push snapshots signed by a key that is not the network's. */
  bad_snapshot_signature: z
    .union([Toggle, z.strictObject({ signer_field: z.enum(['network', 'rogue']).optional() })])
    .optional(),
  /** Serve an older, correctly signed snapshot (default: the one before the current). */
  replay_old_snapshot: z
    .union([Toggle, z.strictObject({ serial: z.number().int().positive().optional() })])
    .optional(),
  /** Report and stamp server time skewed by `ms`, and judge node timestamps by that clock. */
  clock_skew: z
    .union([z.literal(false), z.number().int(), z.strictObject({ ms: z.number().int() })])
    .optional(),
  /** Answer registrations with 403 registration_refused. */
  refuse_registration: Toggle.optional(),
  /** After each challenge, send drain, node_status and job_assign before session_ready. */
  control_before_auth: Toggle.optional(),
  /**
   * Serve (and push) the current snapshot changed by this JSON merge patch, signed with the
   * REAL network key: a same-serial rewrite, a contradicting participation.mode, a bad revision.
   */
  tampered_snapshot: z
    .union([z.literal(false), z.strictObject({ merge: z.record(z.string(), z.unknown()) })])
    .optional(),
  /** Answer every node HTTP request with a 307 to this origin + the same path (never followed). */
  http_redirect: z.union([z.literal(false), z.strictObject({ to: z.url() })]).optional(),
  /** Answer every node HTTP request with 200 and a body of this many bytes, without a length. */
  huge_answers: z
    .union([
      z.literal(false),
      z.strictObject({
        bytes: z
          .number()
          .int()
          .positive()
          .max(1024 * 1024 * 1024),
      }),
    ])
    .optional(),
  /** Push this many config_changed frames with made-up digests to every session, at once. */
  config_changed_flood: z
    .strictObject({ count: z.number().int().positive().max(10_000) })
    .optional(),
  /** Send schema-breaking job_assign frames with readable job ids; record the node's answers. */
  invalid_jobs: Toggle.optional(),
  /** The model hub sends files at most this fast (a download the dashboard can be watched on). */
  slow_model_hub: z
    .union([
      z.literal(false),
      z.strictObject({
        bytes_per_second: z
          .number()
          .int()
          .min(1024)
          .max(1024 ** 3),
      }),
    ])
    .optional(),
  /**
   * Every job_assign leaves this many ms after the job was given to the node (its capacity is
   * taken at once): a far network, for the node's refill measurement (docs/PROTOCOL.md).
   */
  slow_assignments: z
    .union([z.literal(false), z.strictObject({ ms: z.number().int().positive().max(10_000) })])
    .optional(),
  /** The model hub serves this file (path in the model folder) with one byte changed. */
  corrupt_model_file: z
    .union([z.literal(false), z.strictObject({ path: z.string().min(1).max(512) })])
    .optional(),
});
export type FaultsInput = z.infer<typeof FaultsInput>;

export interface FaultState {
  drop_ws_mid_job: { remaining: number | null } | null;
  stop_answering: boolean;
  malformed_frames: boolean;
  oversized_frames: { bytes: number } | null;
  bad_snapshot_signature: { signer_field: 'network' | 'rogue' } | null;
  replay_old_snapshot: { serial: number | null } | null;
  clock_skew_ms: number;
  refuse_registration: boolean;
  control_before_auth: boolean;
  tampered_snapshot: { merge: Record<string, unknown> } | null;
  http_redirect: { to: string } | null;
  huge_answers: { bytes: number } | null;
  /** The node's job_reject answers to the invalid job_assign frames, by job_id. */
  invalid_jobs: { answers: Record<string, { reason: string; detail: string }> } | null;
  slow_model_hub: { bytes_per_second: number } | null;
  slow_assignments: { ms: number } | null;
  corrupt_model_file: { path: string } | null;
}

function none(): FaultState {
  return {
    drop_ws_mid_job: null,
    stop_answering: false,
    malformed_frames: false,
    oversized_frames: null,
    bad_snapshot_signature: null,
    replay_old_snapshot: null,
    clock_skew_ms: 0,
    refuse_registration: false,
    control_before_auth: false,
    tampered_snapshot: null,
    http_redirect: null,
    huge_answers: null,
    invalid_jobs: null,
    slow_model_hub: null,
    slow_assignments: null,
    corrupt_model_file: null,
  };
}

/** The fault and hostile modes in force; the IO service's parts consult it on their hot paths. */
export class Faults {
  state: FaultState = none();

  /** Applies a change; returns the names of faults switched on by it. */
  apply(input: FaultsInput, oversizedDefault: number): string[] {
    const s = this.state;
    const on: string[] = [];
    const flag = <K extends string>(name: K, v: unknown) => {
      if (v !== undefined && v !== false) on.push(name);
    };
    if (input.drop_ws_mid_job !== undefined) {
      const v = input.drop_ws_mid_job;
      s.drop_ws_mid_job = v === false ? null : { remaining: v === true ? null : (v.times ?? null) };
      flag('drop_ws_mid_job', v);
    }
    if (input.stop_answering !== undefined) s.stop_answering = input.stop_answering;
    flag('stop_answering', input.stop_answering);
    if (input.malformed_frames !== undefined) s.malformed_frames = input.malformed_frames;
    flag('malformed_frames', input.malformed_frames);
    if (input.oversized_frames !== undefined) {
      const v = input.oversized_frames;
      s.oversized_frames =
        v === false
          ? null
          : { bytes: v === true ? oversizedDefault : (v.bytes ?? oversizedDefault) };
      flag('oversized_frames', v);
    }
    if (input.bad_snapshot_signature !== undefined) {
      const v = input.bad_snapshot_signature;
      s.bad_snapshot_signature =
        v === false
          ? null
          : { signer_field: v === true ? 'network' : (v.signer_field ?? 'network') };
      flag('bad_snapshot_signature', v);
    }
    if (input.replay_old_snapshot !== undefined) {
      const v = input.replay_old_snapshot;
      s.replay_old_snapshot =
        v === false ? null : { serial: v === true ? null : (v.serial ?? null) };
      flag('replay_old_snapshot', v);
    }
    if (input.clock_skew !== undefined) {
      const v = input.clock_skew;
      s.clock_skew_ms = v === false ? 0 : typeof v === 'number' ? v : v.ms;
      flag('clock_skew', v);
    }
    if (input.refuse_registration !== undefined) s.refuse_registration = input.refuse_registration;
    flag('refuse_registration', input.refuse_registration);
    if (input.control_before_auth !== undefined) s.control_before_auth = input.control_before_auth;
    flag('control_before_auth', input.control_before_auth);
    if (input.tampered_snapshot !== undefined) {
      s.tampered_snapshot = input.tampered_snapshot === false ? null : input.tampered_snapshot;
    }
    flag('tampered_snapshot', input.tampered_snapshot);
    if (input.http_redirect !== undefined) {
      s.http_redirect = input.http_redirect === false ? null : input.http_redirect;
    }
    flag('http_redirect', input.http_redirect);
    if (input.huge_answers !== undefined) {
      s.huge_answers = input.huge_answers === false ? null : input.huge_answers;
    }
    flag('huge_answers', input.huge_answers);
    // A one-off action, not a state: the caller sends the frames.
    flag('config_changed_flood', input.config_changed_flood);
    if (input.invalid_jobs !== undefined)
      s.invalid_jobs = input.invalid_jobs ? { answers: {} } : null;
    flag('invalid_jobs', input.invalid_jobs);
    if (input.slow_model_hub !== undefined) s.slow_model_hub = input.slow_model_hub || null;
    flag('slow_model_hub', input.slow_model_hub);
    if (input.slow_assignments !== undefined) s.slow_assignments = input.slow_assignments || null;
    flag('slow_assignments', input.slow_assignments);
    if (input.corrupt_model_file !== undefined)
      s.corrupt_model_file = input.corrupt_model_file || null;
    flag('corrupt_model_file', input.corrupt_model_file);
    return on;
  }

  clear(): void {
    this.state = none();
  }

  /** Consumes one use of drop_ws_mid_job; true when the socket should be dropped now. */
  takeDrop(): boolean {
    const d = this.state.drop_ws_mid_job;
    if (!d) return false;
    if (d.remaining !== null && --d.remaining <= 0) this.state.drop_ws_mid_job = null;
    return true;
  }

  get silent(): boolean {
    return this.state.stop_answering;
  }

  /** How long each job_assign is held back (0: sent at once). */
  get assignDelayMs(): number {
    return this.state.slow_assignments?.ms ?? 0;
  }

  get skewMs(): number {
    return this.state.clock_skew_ms;
  }
}
