import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitUntil } from '../../helpers/processes.js';
import { ledgerCheck } from '../../bench/stack/admin-client.js';
import type { Stack } from '../../bench/stack/stack.js';
import {
  allJobViews,
  completedTwice,
  FAST_TTL,
  logsMatching,
  startFaultStack,
  waitAllClosed,
} from './fault-stack.js';

// Reconnect = the backoff cap (retry_max_ms) plus time for the TCP connect and signed handshake.
const RECONNECT_BOUND_MS = FAST_TTL.retry_max_ms + 2500;

let stack: Stack;

beforeAll(async () => {
  stack = await startFaultStack('wsdrop');
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

const closes = () => logsMatching(stack.agent.lines, /^Job connection closed/);
const opens = () => logsMatching(stack.agent.lines, /^Job connection open/);

describe('WebSocket dropped mid-job, then the devnet restarted', () => {
  it('reconnects within the backoff cap after each drop and loses nothing', async () => {
    const { admin } = stack;
    await admin.startWorkload({ rate: 20, duration_s: 600, max_tokens: 32, ttl_ms: 300_000 });
    await sleep(1000);
    const gaps: number[] = [];
    for (let round = 0; round < 3; round++) {
      const closesBefore = closes().length;
      await admin.setFaults({ drop_ws_mid_job: { times: 1 } });
      await waitUntil(
        () => closes().length > closesBefore,
        `dropped connection ${round + 1}`,
        20_000,
      );
      const dropped = closes()[closesBefore]!;
      const reopened = await waitUntil(
        () => opens().find((o) => o.ts >= dropped.ts),
        `the link to come back after drop ${round + 1}`,
        RECONNECT_BOUND_MS + 10_000,
      );
      gaps.push(reopened.ts - dropped.ts);
      await stack.waitInRotation();
    }
    console.log(`ws drops: reconnected after ${gaps.join(', ')} ms (bound ${RECONNECT_BOUND_MS})`);
    for (const g of gaps) expect(g).toBeLessThanOrEqual(RECONNECT_BOUND_MS);
    const afterDrops = await admin.stats();
    expect(afterDrops.faults).toMatchObject({ drop_ws_mid_job: null });
    await sleep(2000);
    await admin.stopWorkload();
    await waitAllClosed(admin, 60_000);
    const before = await ledgerCheck(admin);
    expect(before.lost).toBe(0);
    expect(before.duplicatesAccepted).toBe(0);
    expect(before.openIds).toEqual([]);
    expect(completedTwice(await allJobViews(admin))).toEqual([]);
  }, 120_000);

  it('reconnects to a restarted devnet (same port, --state-dir) and the ledger is intact', async () => {
    await stack.admin.startWorkload({ rate: 20, duration_s: 600, max_tokens: 32, ttl_ms: 300_000 });
    await sleep(1500);
    const submittedBefore = (await stack.admin.stats()).jobs_submitted;
    const opensBefore = opens().length;
    await stack.restartDevnet();
    const upAt = Date.now();
    // The workload generator does not survive a restart; jobs submitted before it do.
    await waitUntil(() => opens().length > opensBefore, 'a new job connection', 30_000);
    const reopened = opens().find((o) => o.ts >= upAt - 1000);
    expect(reopened).toBeDefined();
    const delay = reopened!.ts - upAt;
    console.log(`devnet restart: the node reconnected ${delay} ms after the devnet was back`);
    expect(delay).toBeLessThanOrEqual(RECONNECT_BOUND_MS);
    expect(stack.agent.proc.alive).toBe(true);
    expect((await stack.admin.stats()).jobs_submitted).toBeGreaterThanOrEqual(submittedBefore);
    await stack.waitInRotation();
    const ids = await stack.admin.submitJobs({ count: 20, max_tokens: 16 });
    await waitAllClosed(stack.admin, 60_000);
    const views = await allJobViews(stack.admin);
    const ledger = await ledgerCheck(stack.admin);
    expect(ledger.lost).toBe(0);
    expect(ledger.openIds).toEqual([]);
    expect(ledger.duplicatesAccepted).toBe(0);
    expect(completedTwice(views)).toEqual([]);
    const fresh = views.filter((v) => ids.job_ids.includes(v.job_id));
    expect(fresh.map((v) => v.state)).toEqual(Array(20).fill('completed'));
  }, 120_000);
});
