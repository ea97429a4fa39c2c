import { z } from 'zod';
import { NetworkName } from '../networks.js';
import { Digest, EpochMs, HexSignature, Id, NonNegInt, RawAddress, Sha256Hex } from './common.js';

const PositiveMs = z.number().int().positive();

export const ModelFile = z.looseObject({
  path: z
    .string()
    .min(1)
    .max(512)
    .refine(
      (p) => !p.includes('..') && !p.startsWith('/'),
      'must be a relative path inside the model folder',
    ),
  sha256: Sha256Hex,
  size: NonNegInt,
});

export const ApprovedModel = z.looseObject({
  /** Hugging Face repo id, e.g. "Qwen/Qwen2.5-0.5B-Instruct". */
  name: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/, 'must be a Hugging Face repo id "org/name"')
    .refine((n) => !n.includes('..'), 'must not contain ".."'),
  /** Name jobs use and the runtime serves. */
  served_name: Id,
  /** Pinned revision (commit hash or tag) of the weights. */
  revision: z.string().min(1).max(100),
  files: z.array(ModelFile).max(1000),
  max_model_len: z.number().int().positive(),
  min_vram_mb: NonNegInt,
  /** The model the runtime loads when nothing else is asked for. */
  default: z.boolean().optional(),
});
export type ApprovedModel = z.infer<typeof ApprovedModel>;

export const RuntimeImage = z.looseObject({
  id: Id,
  repository: z.string().min(1).max(200),
  tag: z.string().min(1).max(128),
  /** Images are pinned by content digest; the tag is informative. */
  digest: Digest,
  /** Lowest NVIDIA driver major this image runs on (CUDA 13 builds need 580). */
  min_driver: z.number().int().nonnegative().optional(),
});
export type RuntimeImage = z.infer<typeof RuntimeImage>;

export const RuntimeDefinition = z.looseObject({
  engine: z.literal('vllm'),
  images: z.array(RuntimeImage).min(1).max(20),
  max_num_seqs: z.number().int().positive().max(1024),
  /** VRAM left free for the desktop and other apps when sizing --gpu-memory-utilization. */
  gpu_memory_headroom_mb: NonNegInt,
});
export type RuntimeDefinition = z.infer<typeof RuntimeDefinition>;

export const JobParameters = z.looseObject({
  max_input_tokens: z.number().int().positive(),
  max_output_tokens: z.number().int().positive(),
  max_queue_size: z.number().int().positive().max(1024),
  execution_timeout_ms: PositiveMs,
  /** How long the network waits for accept/reject before reassigning. */
  accept_timeout_ms: PositiveMs,
});
export type JobParameters = z.infer<typeof JobParameters>;

export const Participation = z.looseObject({
  accepting_jobs: z.boolean(),
  mode: NetworkName,
  subclouds: z.array(Id).max(100),
});

export const TtlSettings = z.looseObject({
  heartbeat_interval_ms: PositiveMs,
  /** A node silent for longer than this leaves the job rotation. */
  heartbeat_window_ms: PositiveMs,
  config_check_interval_ms: PositiveMs,
  retry_base_ms: PositiveMs,
  retry_max_ms: PositiveMs,
  /** How long an unacknowledged job is kept locally. */
  job_ttl_ms: PositiveMs,
  log_flush_interval_ms: PositiveMs,
  /** Allowed clock difference for signed messages. */
  clock_skew_ms: PositiveMs,
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
  /** Strictly increasing per network: an older serial is a replay and is refused. */
  serial: z.number().int().positive(),
  issued_at: EpochMs,
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
  snapshot: z.unknown(),
  config_digest: Digest,
  signer: RawAddress,
  signature: HexSignature,
});
export type SignedSnapshot = z.infer<typeof SignedSnapshot>;
