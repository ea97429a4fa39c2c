import { z } from 'zod';
import { OperatorPause } from './pause.js';
import { Digest, EpochMs, Id, NonNegInt, ServedModelName, Sha256Hex } from './common.js';
import { NodeStatus } from './http.js';

/** Largest frame either side accepts; bigger frames are refused by the transport. */
export const MAX_FRAME_BYTES = 1024 * 1024;

const Versioned = { v: z.string() };

/**
 * Limits of an assigned job. A maximal ASCII prompt (400,000 characters) fits a 1 MiB frame with
 * room for the other fields; a frame over MAX_FRAME_BYTES is refused by the transport whatever
 * it carries.
 */
export const JOB_LIMITS = {
  /** Characters (UTF-16 code units) of a completion prompt. */
  promptChars: 400_000,
  /** Messages of a chat job. */
  messages: 256,
  /** Characters of all chat messages' contents together (and so of any one of them). */
  messageChars: 400_000,
} as const;

export const ChatMessage = z.looseObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(JOB_LIMITS.messageChars),
});

/** A job exactly as the network assigns it. */
export const Job = z
  .looseObject({
    job_id: Id,
    /** Served model name (the config's `served_name`), e.g. "Qwen/Qwen3-0.6B". */
    model: ServedModelName,
    kind: z.enum(['chat', 'completion']),
    messages: z.array(ChatMessage).min(1).max(JOB_LIMITS.messages).optional(),
    prompt: z.string().max(JOB_LIMITS.promptChars).optional(),
    max_tokens: z.number().int().positive(),
    temperature: z.number().min(0).max(2).optional(),
    seed: z.number().int().nonnegative().optional(),
    /** Ask the node to stream partial output as job_partial messages. */
    stream_partial: z.boolean().optional(),
    assigned_at: EpochMs,
    /** The result must reach the network before this instant. */
    deadline_at: EpochMs,
    /** The network's registration test task. */
    test: z.boolean().optional(),
  })
  .superRefine((j, ctx) => {
    if (j.kind === 'chat' && !j.messages)
      ctx.addIssue({ code: 'custom', path: ['messages'], message: 'a chat job needs messages' });
    if (j.kind === 'completion' && j.prompt === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['prompt'],
        message: 'a completion job needs a prompt',
      });
    const chars = j.messages?.reduce((n, m) => n + m.content.length, 0) ?? 0;
    if (chars > JOB_LIMITS.messageChars)
      ctx.addIssue({
        code: 'custom',
        path: ['messages'],
        message: `the messages hold ${chars} characters, above the limit of ${JOB_LIMITS.messageChars}`,
      });
  });
export type Job = z.infer<typeof Job>;

/** Network → node frames (not enveloped: authenticity comes from the session). */
export const NetworkMessage = z.discriminatedUnion('type', [
  z.looseObject({
    ...Versioned,
    type: z.literal('challenge'),
    challenge: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe('32 random bytes, lowercase hex'),
    server_time: EpochMs.describe('network clock'),
  }),
  z.looseObject({
    ...Versioned,
    type: z.literal('session_ready'),
    session_id: Id,
    status: NodeStatus.describe("the node's network status"),
    config_digest: Digest.describe("the network's current snapshot digest"),
  }),
  z.looseObject({ ...Versioned, type: z.literal('job_assign'), job: Job }),
  z.looseObject({
    ...Versioned,
    type: z.literal('job_cancel'),
    job_id: Id,
    reason: z.string().max(500),
  }),
  z.looseObject({
    ...Versioned,
    type: z.literal('result_ack'),
    job_id: Id,
    outcome: z.enum(['accepted', 'duplicate', 'rejected']),
    reason: z.string().max(500).optional(),
  }),
  z.looseObject({
    ...Versioned,
    type: z.literal('ping'),
    ping_id: Id,
    server_time: EpochMs.describe('network clock'),
  }),
  z.looseObject({
    ...Versioned,
    type: z.literal('drain'),
    reason: z.string().max(500),
    deadline_ms: NonNegInt.optional().describe(
      'time to finish in-flight jobs, from receipt; default 60 000',
    ),
  }),
  z.looseObject({
    ...Versioned,
    type: z.literal('config_changed'),
    config_digest: Digest,
    serial: z.number().int().positive(),
  }),
  z.looseObject({
    ...Versioned,
    type: z.literal('node_status'),
    status: NodeStatus,
    reason: z.string().max(500).describe('plain words, shown to the operator'),
  }),
  z.looseObject({
    ...Versioned,
    type: z.literal('error'),
    code: z.string().max(64).describe('an envelope or HTTP error code, or bad_challenge'),
    message: z.string().max(2000).describe('plain words'),
  }),
]);
export type NetworkMessage = z.infer<typeof NetworkMessage>;
export type NetworkMessageOf<T extends NetworkMessage['type']> = Extract<
  NetworkMessage,
  { type: T }
>;

/** Why a node refuses an assignment; the network uses it to pick another node. */
export const RejectReason = z.enum([
  'model_not_approved',
  'model_not_installed',
  'token_limit',
  'deadline_passed',
  'queue_full',
  'not_accepting',
  'runtime_unavailable',
  'invalid_job',
  'duplicate_job',
]);
export type RejectReason = z.infer<typeof RejectReason>;

export const Usage = z.looseObject({ prompt_tokens: NonNegInt, completion_tokens: NonNegInt });
export type Usage = z.infer<typeof Usage>;

export const Timings = z.looseObject({
  received_at: EpochMs,
  started_at: EpochMs.nullable(),
  first_token_at: EpochMs.nullable(),
  finished_at: EpochMs,
  /** Time spent inside the runtime (request sent → last token). */
  runtime_ms: NonNegInt,
});
export type Timings = z.infer<typeof Timings>;

/** Node → network envelope bodies, keyed by envelope `type`. */
export const NodeMessageBodies = {
  session_open: z.looseObject({
    challenge: z.string().regex(/^[0-9a-f]{64}$/),
    agent_version: z.string().max(64),
    accepting: z.boolean(),
    max_concurrency: z.number().int().positive().max(1024),
    operator_pause: OperatorPause.optional().describe(
      'the operator has paused the node (then accepting is false)',
    ),
  }),
  job_accept: z.looseObject({ job_id: Id }),
  job_reject: z.looseObject({ job_id: Id, reason: RejectReason, detail: z.string().max(500) }),
  job_partial: z.looseObject({ job_id: Id, seq: NonNegInt, text: z.string().max(200_000) }),
  job_result: z.looseObject({
    job_id: Id,
    model: ServedModelName,
    status: z.enum(['completed', 'failed']),
    output: z.string().max(2_000_000),
    /** sha256 of the UTF-8 output, hex. */
    output_hash: Sha256Hex,
    finish_reason: z.enum(['stop', 'length', 'cancelled', 'error']),
    usage: Usage,
    timings: Timings,
    config_digest: Digest.nullable(),
    error: z.looseObject({ code: z.string().max(64), message: z.string().max(2000) }).optional(),
  }),
  pong: z.looseObject({ ping_id: Id }),
  drain_ack: z.looseObject({
    in_flight: NonNegInt.describe('jobs still running when the drain ended (normally 0)'),
  }),
} as const;
export type NodeMessageType = keyof typeof NodeMessageBodies;
export type NodeMessageBody<T extends NodeMessageType> = z.infer<(typeof NodeMessageBodies)[T]>;
export type JobResultBody = NodeMessageBody<'job_result'>;
