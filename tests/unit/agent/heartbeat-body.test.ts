import { describe, expect, it } from 'vitest';
import { buildHeartbeat, readRuntimeMetrics } from '../../../src-main/core/agent/heartbeat-body.js';
import { METRICS_TIMEOUT_MS } from '../../../src-main/core/runtime/vllm-metrics.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { HeartbeatBody, PROTOCOL_VERSION } from '../../../src-main/core/protocol/index.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';
import { FakeJobEngine } from './fakes/fake-job-engine.js';
import { FakeRuntime } from './fakes/fake-runtime.js';
import { hardwareProfile } from '../../../src-main/core/system/hardware-profile.js';
import { recordedGpus } from '../../helpers/recorded-gpus.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;

async function body(runtime = new FakeRuntime()) {
  const snapshot = defaultSnapshot();
  runtime.setStatus({ servedModels: ['sim-chat-1b'], version: '0.11.0', detail: 'serving' });
  return buildHeartbeat({
    agentVersion: '0.1.0',
    startedAt: 1_000,
    now: 126_500,
    state: { name: 'active', reason: 'serving jobs', since: 5 },
    runtime,
    gpuSampler: {
      sample: () => [
        {
          index: 0,
          utilization_pct: 41,
          memory_used_mb: 9000,
          memory_total_mb: 24564,
          temperature_c: 61,
          power_w: null,
        },
      ],
    },
    memory: () => ({ total_mb: 64000, free_mb: 31000 }),
    config: { snapshot, digest: DIGEST },
    configStatus: { state: 'ok' },
    jobs: new FakeJobEngine(),
    hardware: async () =>
      hardwareProfile({
        gpus: recordedGpus('driver-550-two-gpus.csv'),
        dockerVersion: '28.3.2',
      }),
    operatorPause: () => null,
    benchmark: () => ({
      model: 'sim-chat-1b',
      tokens_per_second: 142,
      ttft_ms: 180,
      completion_tokens: 64,
      measured_at: 1,
      kind: 'registration',
    }),
    powerEnvelope: () => ({
      power_cap_w: 250,
      temperature_ceiling_c: 83,
      driver_power_limit_w: 320,
      reduced_concurrency: null,
    }),
    runtimeUpdate: () => ({ digest: `sha256:${'b'.repeat(64)}`, state: 'done', since: 1 }),
    account: {
      state: () => ({
        owner: { kind: 'wallet', address: '0x52908400098527886E0F7030069857D2E4169EE7' },
        state: 'bound',
      }),
    },
  });
}

describe('buildHeartbeat', () => {
  it('reports installed (verified on disk, from the model store) apart from active (served)', async () => {
    const runtime = Object.assign(new FakeRuntime(), {
      models: {
        onChange: () => ({ dispose() {} }),
        states: async () => [],
        usage: async () => ({ usedBytes: 0, budgetBytes: 0, operatorBudget: false }),
        installed: () => [
          { name: 'resultity/sim-chat-1b', revision: 'r1' },
          { name: 'org/other', revision: 'main' },
        ],
      },
    });
    const hb = await body(runtime);
    expect(hb.models).toEqual({
      installed: [
        { name: 'resultity/sim-chat-1b', revision: 'r1' },
        { name: 'org/other', revision: 'main' },
      ],
      active: [{ name: 'resultity/sim-chat-1b', revision: 'r1' }],
    });
  });

  it('fills EVERY field of HeartbeatBody with values from the node’s parts', async () => {
    const hb = await body();
    const schemaKeys = Object.keys(HeartbeatBody.shape).sort();
    expect(Object.keys(hb).sort()).toEqual(schemaKeys);
    expect(HeartbeatBody.safeParse(hb).success).toBe(true);
    for (const key of schemaKeys) expect(hb[key as keyof typeof hb]).not.toBeUndefined();

    expect(hb).toMatchObject({
      agent_version: '0.1.0',
      runtime_version: '0.11.0',
      protocol_version: PROTOCOL_VERSION,
      state: 'active',
      state_reason: 'serving jobs',
      uptime_s: 125,
      memory: { total_mb: 64000, free_mb: 31000 },
      config_digest: DIGEST,
      config_status: { state: 'ok' },
      account: { state: 'bound', owner: { kind: 'wallet' } },
      hardware: {
        docker_version: '28.3.2',
        gpus: [
          { index: 0, name: 'NVIDIA RTX A6000', memory_total_mb: 49140, compute_cap: '8.6' },
          {
            index: 1,
            uuid: 'GPU-9e1c0b2a-5a5b-2d33-07a4-4b1a2c8f6d10',
            driver_version: '550.127.05',
          },
        ],
      },
      operator_pause: null,
      power_envelope: { power_cap_w: 250, temperature_ceiling_c: 83, driver_power_limit_w: 320 },
      // No model store behind this runtime: nothing is claimed installed (verified on disk).
      models: { installed: [], active: [{ name: 'resultity/sim-chat-1b', revision: 'r1' }] },
      runtime: {
        kind: 'fake',
        healthy: true,
        running_requests: 2,
        waiting_requests: 1,
        kv_cache_usage: 0.25,
        detail: 'serving',
      },
      jobs: { in_flight: 0, completed_total: 7, failed_total: 1 },
    });
    expect(hb.gpus).toEqual([
      {
        index: 0,
        utilization_pct: 41,
        memory_used_mb: 9000,
        memory_total_mb: 24564,
        temperature_c: 61,
        power_w: null,
      },
    ]);
  });

  it('reports nulls, not zeros, when the runtime metrics cannot be read', async () => {
    const runtime = new FakeRuntime();
    runtime.metrics = () => Promise.reject(new Error('connection refused'));
    runtime.setStatus({ state: 'unhealthy', detail: 'no answer on /health' });
    const hb = await body(runtime);
    expect(hb.runtime).toMatchObject({
      healthy: false,
      running_requests: null,
      waiting_requests: null,
      kv_cache_usage: null,
    });
    expect(HeartbeatBody.safeParse(hb).success).toBe(true);
  });

  it('gives up on a hung /metrics after its short timeout, then reads the runtime state', async () => {
    const clock = new ManualClock();
    const runtime = new FakeRuntime();
    runtime.metrics = () => new Promise(() => undefined); // never answers
    const reading = readRuntimeMetrics(runtime, clock);
    let done = false;
    void reading.then(() => (done = true));
    clock.advance(METRICS_TIMEOUT_MS - 1);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    expect(await reading).toMatchObject({ running: null, waiting: null, kvCacheUsage: null });
    expect(METRICS_TIMEOUT_MS).toBeLessThanOrEqual(1_000);
  });

  it('reports the runtime state as it is after the metrics wait, not before', async () => {
    const runtime = new FakeRuntime();
    runtime.setStatus({ state: 'ready', servedModels: ['sim-chat-1b'], detail: 'serving' });
    runtime.metrics = async () => {
      runtime.setStatus({ state: 'unhealthy', detail: 'went away while metrics were read' });
      return runtime.metricsValue;
    };
    const hb = await buildHeartbeat({
      agentVersion: '0.1.0',
      startedAt: 0,
      now: 1_000,
      state: { name: 'active', reason: 'serving jobs', since: 5 },
      runtime,
      gpuSampler: { sample: () => [] },
      memory: () => ({ total_mb: 1, free_mb: 1 }),
      config: null,
      configStatus: { state: 'ok' },
      jobs: new FakeJobEngine(),
    });
    expect(hb.runtime).toMatchObject({
      healthy: false,
      detail: 'went away while metrics were read',
    });
  });
});
