import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../bench/stack/admin-client.js';
import {
  startProcess,
  stopAll,
  tsxArgs,
  waitUntil,
  type ManagedProcess,
} from '../../helpers/processes.js';

const TOKEN = 'ops-test-token-0123456789abcdef';
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ops-metrics-'));
});
afterAll(async () => {
  await stopAll();
  await rm(root, { recursive: true, force: true });
});

function cli(name: string, args: string[], env: NodeJS.ProcessEnv = {}): ManagedProcess {
  const base = { ...process.env, ...env };
  delete base.RESULTITY_KEY_PASSPHRASE;
  delete base.RESULTITY_DATA_DIR;
  return startProcess({
    name,
    args: tsxArgs('src-main/headless/cli.ts', '--json', '--data-dir', join(root, name), ...args),
    env: base,
  });
}

const event = async (p: ManagedProcess, type: string, ms = 45_000) =>
  JSON.parse(await p.waitForLine((l) => l.includes(`"type":"${type}"`), ms)) as Record<
    string,
    unknown
  >;

/** The value of one sample line (`name{labels} value`); undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('ops server of the headless CLI (real process, local devnet)', () => {
  it('health without the token, metrics only with it, real figures during load', async () => {
    const node = cli('load', ['--ops-port', '0'], { RESULTITY_OPS_TOKEN: TOKEN });
    const ops = String((await event(node, 'ops')).url);
    const started = await event(node, 'started');
    const admin = started.devnetAdmin as { url: string; token: string };
    expect(ops).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    expect((await fetch(`${ops}/livez`)).status).toBe(200);
    await node.waitForLine((l) => l.includes('"state":"active"'), 45_000);
    const ready = await fetch(`${ops}/readyz`);
    expect(ready.status).toBe(200);
    const readyText = await ready.text();
    expect(JSON.parse(readyText)).toEqual({ ready: true, state: 'active' });
    // Nothing secret or local in the health answers.
    for (const secret of [String(started.nodeId), String(started.dataDir), TOKEN, admin.token])
      expect(readyText).not.toContain(secret);

    expect((await fetch(`${ops}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${ops}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const scrape = async () => {
      const res = await fetch(`${ops}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      return res.text();
    };
    const before = await scrape();
    expect(sample(before, 'resultity_node_state{state="active"}')).toBe(1);
    expect(sample(before, 'resultity_node_state{state="degraded"}')).toBe(0);
    expect(sample(before, 'resultity_node_config_serial')).toBeGreaterThanOrEqual(1);
    const done0 = sample(before, 'resultity_node_jobs_total{outcome="completed"}') ?? 0;

    const client = new AdminClient(admin.url, admin.token);
    const { job_ids } = await client.submitJobs({ count: 40, max_tokens: 64, ttl_ms: 120_000 });
    expect(job_ids).toHaveLength(40);
    // Scrape while the load runs: the runtime's queue comes from its own metrics.
    const during = await scrape();
    expect(
      sample(during, 'resultity_node_runtime_requests{queue="running"}'),
    ).toBeGreaterThanOrEqual(0);
    expect(
      sample(during, 'resultity_node_runtime_requests{queue="waiting"}'),
    ).toBeGreaterThanOrEqual(0);
    const after = await waitUntil(
      async () => {
        const text = await scrape();
        const done = sample(text, 'resultity_node_jobs_total{outcome="completed"}') ?? 0;
        return done - done0 >= 40 ? text : undefined;
      },
      '40 completed jobs in the metrics',
      60_000,
      250,
    );
    expect(
      sample(after, 'resultity_node_job_latency_seconds_count{outcome="completed"}'),
    ).toBeGreaterThanOrEqual(40);
    expect(sample(after, 'resultity_node_job_runtime_seconds_count')).toBeGreaterThanOrEqual(40);
    expect(sample(after, 'resultity_node_tokens_total{kind="completion"}')).toBeGreaterThan(0);
    expect(sample(after, 'resultity_node_tokens_total{kind="prompt"}')).toBeGreaterThan(0);
    expect(sample(after, 'resultity_node_heartbeat_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(after, 'resultity_node_heartbeat_age_seconds')).toBeLessThan(60);
    expect(after).toContain('resultity_node_process_resident_memory_bytes');

    await node.stop();
  }, 120_000);

  it('refuses a bind beyond loopback without a token, and a short token', async () => {
    const open = cli('open', ['--ops-bind', '0.0.0.0', '--ops-port', '0']);
    expect((await open.exited).code).toBe(2);
    expect(open.output()).toContain('without a token');
    const short = cli('short', ['--ops-bind', '0.0.0.0', '--ops-port', '0'], {
      RESULTITY_OPS_TOKEN: 'short',
    });
    expect((await short.exited).code).toBe(2);
    expect(short.output()).toContain('at least 16');
  }, 60_000);
});
