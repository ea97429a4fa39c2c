import { z } from 'zod';
import { NetworkName } from '../networks.js';
import {
  Digest,
  EpochMs,
  HexSignature,
  Id,
  NonNegInt,
  RawAddress,
  ServedModelName,
  Sha256Hex,
} from './common.js';

const PositiveMs = z.number().int().positive();

/** Where a model file is downloaded from; checked against `sha256` and `size` either way. */
const ModelFileUrl = z
  .string()
  .max(2048)
  .refine(
    (u) => /^https?:\/\/[^/]/.test(u) || (u.startsWith('/') && !u.startsWith('//')),
    'must be an http(s) URL or a path starting with / on the network URL',
  )
  .describe(
    'http(s) URL, or a path starting with / on the network URL; absent: https://huggingface.co/<name>/resolve/<revision>/<path>',
  );

export const ModelFile = z.looseObject({
  path: z
    .string()
    .min(1)
    .max(512)
    .refine(
      (p) => !p.includes('..') && !p.startsWith('/'),
      'must be a relative path inside the model folder',
    )
    .describe('relative path inside the model folder: no "..", not starting with /'),
  sha256: Sha256Hex,
  size: NonNegInt,
  url: ModelFileUrl.optional(),
});

/**
 * A pinned revision (commit hash or tag) of the weights. It names a folder in the model cache,
 * so it is one path segment: the same rule is checked when the snapshot is applied and when
 * the model is installed.
 */
export const ModelRevision = z
  .string()
  .min(1)
  .max(100)
  .regex(/^(?!\.{1,2}$)[^/\\]+$/, 'must be one path segment (no / or \\, not "." or "..")')
  .describe('commit hash or tag of the weights; one path segment (no / or \\, not . or ..)');

export const ApprovedModel = z.looseObject({
  /** Hugging Face repo id, e.g. "Qwen/Qwen2.5-0.5B-Instruct". */
  name: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/, 'must be a Hugging Face repo id "org/name"')
    .refine((n) => !n.includes('..'), 'must not contain ".."')
    .describe('Hugging Face repo id "org/name", no ".."'),
  served_name: ServedModelName.describe('the name jobs use and the runtime serves'),
  revision: ModelRevision,
  files: z.array(ModelFile).max(1000),
  max_model_len: z.number().int().positive(),
  min_vram_mb: NonNegInt,
  default: z.boolean().optional().describe('the model the runtime loads first and test tasks use'),
});
export type ApprovedModel = z.infer<typeof ApprovedModel>;

export const RuntimeImage = z.looseObject({
  id: Id,
  repository: z.string().min(1).max(200),
  tag: z.string().min(1).max(128),
  digest: Digest.describe('content digest the image is pinned by; the tag is informative'),
  min_driver: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('lowest NVIDIA driver major this image runs on'),
});
export type RuntimeImage = z.infer<typeof RuntimeImage>;

export const RuntimeDefinition = z.looseObject({
  engine: z.literal('vllm'),
  images: z.array(RuntimeImage).min(1).max(20),
  max_num_seqs: z.number().int().positive().max(1024),
  gpu_memory_headroom_mb: NonNegInt.describe('VRAM left free for other apps'),
});
export type RuntimeDefinition = z.infer<typeof RuntimeDefinition>;

export const JobParameters = z.looseObject({
  max_input_tokens: z.number().int().positive(),
  max_output_tokens: z.number().int().positive(),
  max_queue_size: z.number().int().positive().max(1024),
  execution_timeout_ms: PositiveMs,
  accept_timeout_ms: PositiveMs.describe('how long the network waits for accept/reject'),
});
export type JobParameters = z.infer<typeof JobParameters>;

export const Participation = z.looseObject({
  accepting_jobs: z.boolean(),
  mode: NetworkName.describe("must equal the snapshot's `network`"),
  subclouds: z.array(Id).max(100),
});

export const TtlSettings = z.looseObject({
  heartbeat_interval_ms: PositiveMs,
  heartbeat_window_ms: PositiveMs.describe('a node silent longer than this leaves the rotation'),
  config_check_interval_ms: PositiveMs,
  retry_base_ms: PositiveMs,
  retry_max_ms: PositiveMs,
  job_ttl_ms: PositiveMs.describe('how long an unacknowledged result is kept by the node'),
  log_flush_interval_ms: PositiveMs,
  clock_skew_ms: PositiveMs.describe('allowed |envelope ts − network clock|'),
});
export type TtlSettings = z.infer<typeof TtlSettings>;

export const UpdateTriggers = z.looseObject({
  agent: z.looseObject({ version: z.string().max(64), sha256: Sha256Hex.optional() }),
  runtime: z.looseObject({ image_digest: Digest }),
});

/** The signed configuration every node follows (seed 003). */
export const ConfigSnapshot = z.looseObject({
  schema_version: z.literal(1),
  network: NetworkName,
  serial: z
    .number()
    .int()
    .positive()
    .describe('strictly increasing per network; a reused serial must carry the same content'),
  issued_at: EpochMs.describe('network clock'),
  models: z.array(ApprovedModel).max(200),
  runtime: RuntimeDefinition,
  jobs: JobParameters,
  participation: Participation,
  ttl: TtlSettings,
  updates: UpdateTriggers,
});
export type ConfigSnapshot = z.infer<typeof ConfigSnapshot>;

/** A snapshot as served: digest = sha256 of its canonical JSON, signed (EIP-191) by the network key. */
export const SignedSnapshot = z.looseObject({
  snapshot: z.unknown().describe('a ConfigSnapshot (verified after digest and signature)'),
  config_digest: Digest.describe('"sha256:" + hex SHA-256 of the canonical JSON of snapshot'),
  signer: RawAddress.describe('informative; the node checks its pinned signer'),
  signature: HexSignature,
});
export type SignedSnapshot = z.infer<typeof SignedSnapshot>;
