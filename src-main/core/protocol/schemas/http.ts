import { z } from 'zod';
import { NetworkName } from '../networks.js';
import { Digest, EpochMs, Id, NonNegInt, RawAddress } from './common.js';
import { OperatorPause, PowerEnvelope } from './pause.js';
import { BenchmarkReport, GpuStatus, HardwareProfile } from './hardware.js';
import { AccountBindingWire, AccountState, OwnerStatus } from './account.js';
import { RuntimeUpdateReport } from './runtime-update.js';

/** HTTP paths on the IO service. Node-originated POST bodies are signed envelopes. */
export const HttpPaths = {
  register: '/v1/nodes/register',
  heartbeat: '/v1/nodes/heartbeat',
  logs: '/v1/nodes/logs',
  owner: '/v1/nodes/owner',
  configDigest: '/v1/config/digest',
  configSnapshot: '/v1/config/snapshot',
  time: '/v1/time',
  ws: '/v1/ws',
} as const;

/** Envelope `type` of each node-originated HTTP message. */
export const HttpMessageTypes = {
  register: 'register',
  heartbeat: 'heartbeat',
  logs: 'log_batch',
  owner: 'owner_binding',
} as const;

export const RegisterBody = z.looseObject({
  network: NetworkName,
  /** Uncompressed secp256k1 public key; node_id is its address. */
  public_key: z
    .string()
    .regex(/^0x04[0-9a-fA-F]{128}$/, 'must be an uncompressed 0x04… public key'),
  owner: AccountBindingWire.nullable().describe(
    'the owner claimed, with its proof (see Account binding), or null: no claim',
  ),
  agent_version: z.string().max(64),
  hardware: HardwareProfile,
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const NodeStatus = z.enum(['pending_test', 'active', 'excluded', 'suspended']);
export type NodeStatus = z.infer<typeof NodeStatus>;

export const RegisterResponse = z.looseObject({
  node_id: RawAddress,
  status: NodeStatus,
  snapshot: z.unknown().describe('the initial SignedSnapshot, verified like any other'),
  /** A path on the IO service's own host (never `//other-host/…`). */
  ws_path: z
    .string()
    .regex(/^\/(?![/\\])/, 'must be a path on the same host, starting with one /')
    .describe('WebSocket path on the same host'),
  server_time: EpochMs.describe('network clock'),
  owner_status: OwnerStatus.optional().describe("the network's answer about the owner"),
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

/** Node lifecycle states as reported in heartbeats and shown in the UI. */
export const AgentStateName = z.enum([
  'not_initialised',
  'initialised',
  'registering',
  'testing',
  'active',
  'degraded',
  'draining',
  'stopped',
]);
export type AgentStateName = z.infer<typeof AgentStateName>;

export const ConfigStatus = z.looseObject({
  state: z.enum([
    'ok',
    'digest_mismatch',
    'invalid_signature',
    'invalid_schema',
    'stale',
    'wrong_network',
    'unreachable',
    'apply_failed',
  ]),
  detail: z.string().max(500).optional(),
  /** Digest the node was offered but refused, if any. */
  refused_digest: Digest.optional(),
});
export type ConfigStatus = z.infer<typeof ConfigStatus>;

export const ModelRef = z.looseObject({ name: z.string().max(200), revision: z.string().max(100) });

export const RuntimeHealth = z.looseObject({
  kind: z.string().max(32),
  healthy: z.boolean(),
  running_requests: NonNegInt.nullable(),
  waiting_requests: NonNegInt.nullable(),
  kv_cache_usage: z.number().min(0).max(1).nullable(),
  detail: z.string().max(500).optional(),
});
export type RuntimeHealth = z.infer<typeof RuntimeHealth>;

export const HeartbeatBody = z.looseObject({
  agent_version: z.string().max(64),
  runtime_version: z.string().max(64).nullable(),
  protocol_version: z.string().max(16),
  state: AgentStateName,
  state_reason: z.string().max(500),
  uptime_s: NonNegInt,
  gpus: z.array(GpuStatus).max(64),
  memory: z.looseObject({ total_mb: NonNegInt, free_mb: NonNegInt }),
  config_digest: Digest.nullable(),
  config_status: ConfigStatus,
  models: z.looseObject({
    installed: z.array(ModelRef).max(200),
    active: z.array(ModelRef).max(200),
  }),
  runtime: RuntimeHealth,
  jobs: z.looseObject({
    in_flight: NonNegInt,
    completed_total: NonNegInt,
    failed_total: NonNegInt,
  }),
  hardware: HardwareProfile.optional().describe(
    "the machine as at registration (every GPU, Docker engine version, OS), re-read at each heartbeat so the network's record follows a changed card, driver or engine; older nodes leave it out",
  ),
  account: AccountState.optional().describe("the node's view of its owner"),
  operator_pause: OperatorPause.nullable()
    .optional()
    .describe('set while the operator has paused the node (not downtime; send no job)'),
  power_envelope: PowerEnvelope.optional(),
  benchmark: BenchmarkReport.optional().describe(
    'the last test task measured on this node (absent until one completed); older nodes leave it out',
  ),
  runtime_update: RuntimeUpdateReport.optional().describe(
    'the last runtime image change (updates.runtime.image_digest; absent until there was one); older nodes leave it out',
  ),
});
export type HeartbeatBody = z.infer<typeof HeartbeatBody>;

/** Why a network keeps a node out of the job rotation (codes may grow: unknown ones are shown as `other`). */
export const ROTATION_REASONS = [
  'status',
  'operator_hold',
  'no_session',
  'not_accepting',
  'network_closed',
  'no_heartbeat',
  'heartbeat_missed',
  'node_state',
  'runtime_unhealthy',
  'operator_paused',
] as const;
export type RotationReason = (typeof ROTATION_REASONS)[number];

/** The network's own view of whether it sends this node regular jobs, and why not. */
export const RotationView = z.looseObject({
  in_rotation: z.boolean().describe('true while the network may assign regular jobs to the node'),
  reason: z
    .string()
    .max(64)
    .optional()
    .describe(`when out: one of ${ROTATION_REASONS.join(', ')} (others may follow)`),
  detail: z.string().max(500).optional().describe('plain words, shown to the operator'),
  until: EpochMs.nullable()
    .optional()
    .describe('network clock: when an operator hold ends (null: until lifted)'),
  deprioritised: z
    .looseObject({
      reason: z.string().max(500).describe('plain words, e.g. the deadline the node missed'),
      until: EpochMs.describe('network clock'),
    })
    .nullable()
    .optional()
    .describe('served after other nodes until `until` (still in rotation)'),
});
export type RotationView = z.infer<typeof RotationView>;

export const HeartbeatResponse = z.looseObject({
  status: NodeStatus,
  config_digest: Digest.describe("the network's current digest; a difference makes the node fetch"),
  server_time: EpochMs.describe('network clock'),
  rotation: RotationView.optional().describe(
    "the network's rotation view of the node after this heartbeat",
  ),
  owner_status: OwnerStatus.optional().describe('the owner the network holds for this node'),
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

export const ConfigDigestResponse = z.looseObject({
  config_digest: Digest,
  serial: z.number().int().positive(),
  server_time: EpochMs,
});
export type ConfigDigestResponse = z.infer<typeof ConfigDigestResponse>;

export const TimeResponse = z.looseObject({ server_time: EpochMs });

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error']);
export type LogLevel = z.infer<typeof LogLevel>;

export const LogEntry = z.looseObject({
  ts: EpochMs,
  level: LogLevel,
  source: z.string().max(64),
  message: z.string().max(4000),
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type LogEntry = z.infer<typeof LogEntry>;

export const LogBatchBody = z.looseObject({
  batch_id: Id,
  entries: z.array(LogEntry).min(1).max(1000),
});
export type LogBatchBody = z.infer<typeof LogBatchBody>;

export const LogBatchResponse = z.looseObject({ accepted: Id, count: NonNegInt });
