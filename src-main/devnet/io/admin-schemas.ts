import { z } from 'zod';
import { Id } from '../../core/protocol/schemas/common.js';
import { ChatMessage } from '../../core/protocol/schemas/ws.js';
import { FaultsInput } from './faults.js';

const Positive = z.number().int().positive();

/** One job as an admin describes it; everything has a default. */
export const JobInput = z.strictObject({
  model: Id.optional(),
  kind: z.enum(['chat', 'completion']).optional(),
  prompt: z.string().max(400_000).optional(),
  messages: z.array(ChatMessage).min(1).max(256).optional(),
  /** Size of the generated prompt when neither prompt nor messages is given. */
  prompt_tokens: Positive.max(100_000).optional(),
  max_tokens: Positive.optional(),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().nonnegative().optional(),
  stream_partial: z.boolean().optional(),
  /** One assignment's time limit (deadline_at − assigned_at). */
  timeout_ms: Positive.optional(),
  /** The whole job's time limit from submission. */
  ttl_ms: Positive.optional(),
});
export type JobInput = z.infer<typeof JobInput>;

/** POST /v1/admin/jobs: `{count, ...defaults}` or `{jobs: [...]}` (each merged over the defaults). */
export const SubmitJobsInput = JobInput.extend({
  count: Positive.max(100_000).optional(),
  jobs: z.array(JobInput).min(1).max(100_000).optional(),
}).refine((v) => !(v.count !== undefined && v.jobs !== undefined), {
  message: 'give either "count" or "jobs", not both',
});
export type SubmitJobsInput = z.infer<typeof SubmitJobsInput>;

export const CancelInput = z.strictObject({ reason: z.string().min(1).max(500).optional() });

/** POST /v1/admin/workload: a steady synthetic load. */
export const WorkloadInput = z
  .strictObject({
    rate: z.number().positive().max(100_000),
    duration_s: z
      .number()
      .positive()
      .max(7 * 24 * 3600)
      .optional(),
    count: Positive.optional(),
    prompt_tokens: Positive.max(100_000).optional(),
    max_tokens: Positive.optional(),
    /** Served model names, or a map of name → weight. Default: the default model. */
    models: z.union([z.array(Id).min(1), z.record(Id, z.number().positive())]).optional(),
    kind: z.enum(['chat', 'completion']).optional(),
    timeout_ms: Positive.optional(),
    ttl_ms: Positive.optional(),
  })
  .refine((v) => v.duration_s !== undefined || v.count !== undefined, {
    message: 'give "duration_s" or "count" so the workload ends',
  });
export type WorkloadInput = z.infer<typeof WorkloadInput>;

export const SnapshotInput = z.union([
  z.strictObject({ snapshot: z.record(z.string(), z.unknown()) }),
  z.strictObject({ merge: z.record(z.string(), z.unknown()) }),
]);

export const DrainInput = z.strictObject({
  reason: z.string().min(1).max(500).optional(),
  deadline_ms: z.number().int().nonnegative().optional(),
});

export const NodeStatusInput = z.strictObject({
  status: z.enum(['pending_test', 'active', 'excluded', 'suspended']),
  reason: z.string().min(1).max(500).optional(),
});

/** POST /v1/admin/nodes/:id/rotation: hold a node out of the rotation (for tests), or let it back. */
export const RotationInput = z.strictObject({
  in_rotation: z.boolean(),
  reason: z.string().min(1).max(500).optional(),
  /** How long the hold lasts; absent: until lifted with `{in_rotation: true}`. */
  duration_ms: Positive.optional(),
});

export { FaultsInput };
