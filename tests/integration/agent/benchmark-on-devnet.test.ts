// The registration test task as a benchmark, through what `npm start` builds (runHeadless on the
// local profile: embedded devnet + SIMULATED runtime): the node's state carries it, the devnet
// reads it from the heartbeat, and it is still there after a restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessConfig } from '../../../src-main/headless/options.js';
import type { Reporter } from '../../../src-main/headless/reporter.js';
import { runHeadless, type HeadlessNode } from '../../../src-main/headless/run-headless.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'benchmark-devnet-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

type Admin = { url: string; token: string };

async function start(): Promise<{ node: HeadlessNode; admin: () => Admin }> {
  let admin: Admin | null = null;
  const reporter = new Proxy({} as Reporter, {
    get: (_t, name) =>
      name === 'started'
        ? (i: { devnetAdmin?: Admin }) => (admin = i.devnetAdmin ?? null)
        : () => undefined,
  });
  const node = await runHeadless(
    HeadlessConfig.parse({ dataDir: root, dashboardDir: root, dashboardPort: 0 }),
    {},
    reporter,
  );
  return { node, admin: () => admin as unknown as Admin };
}

async function until<T>(read: () => T | Promise<T>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('benchmark from the test task', () => {
  it('is measured at registration, reported in heartbeats and kept across a restart', async () => {
    const first = await start();
    const state = () => first.node.service.currentState();
    const bench = (await until(() => state().benchmark, 'a benchmark in the node state'))!;
    expect(bench).toMatchObject({ model: 'sim-chat-1b', kind: 'registration' });
    expect(bench.tokensPerSecond).toBeGreaterThan(0);
    expect(bench.ttftMs).not.toBeNull();

    const { url, token } = first.admin();
    const nodeId = state().nodeId!;
    const seen = await until(async () => {
      const res = await fetch(`${url}/v1/admin/nodes/${nodeId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const view = (await res.json()) as { last_heartbeat?: { benchmark?: unknown } };
      return view.last_heartbeat?.benchmark;
    }, 'the benchmark in a heartbeat the devnet accepted');
    expect(seen).toMatchObject({
      model: 'sim-chat-1b',
      tokens_per_second: bench.tokensPerSecond,
      ttft_ms: bench.ttftMs,
      kind: 'registration',
    });
    await first.node.stop('restart');

    const second = await start();
    // Shown before the new test task ran: the stored measurement of this network.
    expect(second.node.kit.agent.state().benchmark).toBeTruthy();
    await second.node.stop('test over');
  });
});
