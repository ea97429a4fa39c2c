import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobEngine } from '../../../src-main/core/jobs/job-engine.js';
import { snapshotDigest } from '../../../src-main/core/protocol/snapshot.js';
import type { Job, NodeMessageType } from '../../../src-main/core/protocol/schemas/ws.js';
import { NodeMessageBodies } from '../../../src-main/core/protocol/schemas/ws.js';
import { ExternalRuntime } from '../../../src-main/core/runtime/external-runtime.js';
import type { JobJournal } from '../../../src-main/core/store/journal.js';
import { openJobJournal } from '../../../src-main/core/store/journal-open.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/index.js';

/** The job engine against the devnet's simulated vLLM over real HTTP/SSE, with a real journal. */
const MODEL = 'sim-chat-1b';
const QUEUE = 16;

let sim: SimRuntime;
let runtime: ExternalRuntime;
let dir: string;
let journal: JobJournal;
let engine: JobEngine;
let sent: Array<{ type: NodeMessageType; body: Record<string, unknown> }>;
let seq = 0;

const config = defaultSnapshot('local');
const limited = { ...config, jobs: { ...config.jobs, max_queue_size: QUEUE } };

beforeAll(async () => {
  sim = await startSimRuntime({
    model: 'resultity/sim-chat-1b',
    servedModelName: MODEL,
    apiKey: 'sim-key',
    maxNumSeqs: 64,
    ttftMs: 20,
    tokensPerSecond: 40,
  });
  runtime = new ExternalRuntime({ url: sim.url, apiKey: 'sim-key', simulated: true });
  await runtime.apply({
    model: { name: 'resultity/sim-chat-1b', servedName: MODEL, revision: 'r1', maxModelLen: 4096 },
    image: null,
    maxNumSeqs: 64,
    gpuMemoryHeadroomMb: 0,
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'rn-engine-sim-'));
});

beforeEach(async () => {
  await engine?.close();
  await journal?.close();
  journal = openJobJournal(path.join(dir, `j${++seq}`));
  sent = [];
  engine = new JobEngine({
    runtime,
    journal,
    link: {
      send: (type, body) => {
        sent.push({ type, body: body as Record<string, unknown> });
        return true;
      },
    },
    partialIntervalMs: 50,
  });
  engine.setConfig(limited, snapshotDigest(limited));
});

afterAll(async () => {
  await engine?.close();
  await journal?.close();
  await runtime?.stop();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

function job(overrides: Partial<Job> = {}): Job {
  const now = Date.now();
  return {
    job_id: `sim-${seq}-${Math.random().toString(36).slice(2, 10)}`,
    model: MODEL,
    kind: 'chat',
    messages: [{ role: 'user', content: 'Write one sentence about GPUs.' }],
    max_tokens: 40,
    seed: 7,
    assigned_at: now,
    deadline_at: now + 60_000,
    ...overrides,
  } as Job;
}

const of = (type: NodeMessageType) => sent.filter((s) => s.type === type).map((s) => s.body);

describe('JobEngine on the simulated vLLM runtime', () => {
  it('reports the simulated runtime as such', () => {
    expect(runtime.status()).toMatchObject({
      state: 'ready',
      simulated: true,
      servedModels: [MODEL],
    });
    expect(runtime.status().version).toMatch(/^0\./);
  });

  it(`runs ${QUEUE} jobs at once (the runtime batches them) and refuses the rest`, async () => {
    const jobs = Array.from({ length: QUEUE + 4 }, () => job());
    for (const j of jobs) engine.handleAssign(j);
    await expect.poll(() => sim.engine.stats().running, { timeout: 10_000 }).toBe(QUEUE);
    expect((await runtime.metrics()).running).toBe(QUEUE);
    expect(of('job_reject').map((r) => r.reason)).toEqual([
      'queue_full',
      'queue_full',
      'queue_full',
      'queue_full',
    ]);
    await expect.poll(() => of('job_result').length, { timeout: 20_000 }).toBe(QUEUE);
    for (const body of of('job_result')) {
      const r = NodeMessageBodies.job_result.parse(body);
      expect(r.status).toBe('completed');
      expect(r.output.length).toBeGreaterThan(0);
      expect(r.output_hash).toBe(
        createHash('sha256').update(Buffer.from(r.output, 'utf8')).digest('hex'),
      );
      expect(r.usage.prompt_tokens).toBeGreaterThan(0);
      expect(r.usage.completion_tokens).toBeGreaterThan(0);
      expect(r.usage.completion_tokens).toBeLessThanOrEqual(40);
      expect(r.timings.first_token_at).toBeGreaterThanOrEqual(r.timings.started_at!);
      expect(r.timings.runtime_ms).toBeGreaterThan(0);
    }
    // Same prompt and seed: the same answer every time.
    expect(new Set(of('job_result').map((r) => r.output_hash)).size).toBe(1);
    expect(engine.counters()).toMatchObject({ in_flight: 0, completed_total: QUEUE });
  });

  it('cancels by closing the stream: the runtime aborts the sequence', async () => {
    const before = sim.engine.stats().finished.abort;
    const j = job({ max_tokens: 1000 });
    engine.handleAssign(j);
    await expect.poll(() => sim.engine.stats().running).toBe(1);
    engine.handleCancel(j.job_id, 'the client went away');
    await expect.poll(() => of('job_result').length).toBe(1);
    expect(of('job_result')[0]).toMatchObject({ status: 'failed', finish_reason: 'cancelled' });
    await expect.poll(() => sim.engine.stats().finished.abort).toBe(before + 1);
    expect(sim.engine.stats().running).toBe(0);
  });

  it('streams partial output whose frames add up to the result', async () => {
    engine.handleAssign(job({ stream_partial: true, max_tokens: 30 }));
    await expect.poll(() => of('job_result').length, { timeout: 10_000 }).toBe(1);
    const partials = of('job_partial');
    expect(partials.length).toBeGreaterThan(1);
    expect(partials.map((p) => p.text).join('')).toBe(of('job_result')[0]?.output);
  });
});
