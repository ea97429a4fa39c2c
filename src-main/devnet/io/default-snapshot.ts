import type { ConfigSnapshot } from '../../core/protocol/schemas/snapshot.js';
import type { NetworkName } from '../../core/protocol/networks.js';
import { devnetModelFileList } from './model-hub.js';

/** The model the devnet approves by default; the simulated runtime serves it. */
export const DEVNET_MODEL = {
  name: 'resultity/sim-chat-1b',
  served_name: 'sim-chat-1b',
  revision: 'r1',
} as const;

/** The devnet's first configuration snapshot; tests and the admin API derive others from it. */
export function defaultSnapshot(
  network: NetworkName = 'local',
  overrides: Partial<ConfigSnapshot> = {},
  now = Date.now(),
): ConfigSnapshot {
  return {
    schema_version: 1,
    network,
    serial: 1,
    issued_at: now,
    models: [
      {
        ...DEVNET_MODEL,
        // Served by the devnet's own model hub (paths on its URL).
        files: devnetModelFileList(DEVNET_MODEL.name, DEVNET_MODEL.revision),
        max_model_len: 8192,
        min_vram_mb: 2048,
        default: true,
      },
    ],
    runtime: {
      engine: 'vllm',
      images: [
        {
          id: 'vllm-cu130',
          repository: 'vllm/vllm-openai',
          tag: 'v0.11.0',
          digest: `sha256:${'0'.repeat(64)}`,
          min_driver: 580,
        },
      ],
      max_num_seqs: 64,
      gpu_memory_headroom_mb: 1024,
    },
    jobs: {
      max_input_tokens: 4096,
      max_output_tokens: 1024,
      // Room for the runtime's 64 slots and the node's queue window (max_num_seqs / 8).
      max_queue_size: 80,
      execution_timeout_ms: 120_000,
      accept_timeout_ms: 5_000,
    },
    participation: { accepting_jobs: true, mode: network, subclouds: [] },
    ttl: {
      heartbeat_interval_ms: 10_000,
      heartbeat_window_ms: 30_000,
      config_check_interval_ms: 60_000,
      retry_base_ms: 500,
      retry_max_ms: 30_000,
      job_ttl_ms: 15 * 60_000,
      log_flush_interval_ms: 30_000,
      clock_skew_ms: 60_000,
    },
    updates: { agent: { version: '0.1.0' }, runtime: { image_digest: `sha256:${'0'.repeat(64)}` } },
    ...overrides,
  };
}
