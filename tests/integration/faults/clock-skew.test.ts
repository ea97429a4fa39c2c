import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../helpers/processes.js';
import type { Stack } from '../../bench/stack/stack.js';
import { FAST_TTL, logsMatching, startFaultStack } from './fault-stack.js';

// Five minutes: far beyond the snapshot's clock_skew_ms window (60 s).
const SKEW_MS = 300_000;
const WATCH_S = 15;

let stack: Stack;

beforeAll(async () => {
  stack = await startFaultStack('skew');
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

describe('clock skew beyond the window', () => {
  it('says the clock is off, in plain words, and does not hammer the network', async () => {
    const { admin } = stack;
    await admin.setFaults({ clock_skew: { ms: SKEW_MS } });
    const degraded = await stack.agent.waitForState('degraded', 20_000);
    expect(degraded.reason).toMatch(/clock/i);

    // Count what reaches the network while the fault lasts: refused envelopes and sessions.
    const before = await admin.stats();
    const linesBefore = stack.agent.lines.length;
    await sleep(WATCH_S * 1000);
    const after = await admin.stats();
    const refused = after.envelopes_rejected - before.envelopes_rejected;
    const reconnects = logsMatching(stack.agent.lines.slice(linesBefore), /^Job connection closed/);
    console.log(
      `clock skew: ${refused} refused envelopes and ${reconnects.length} dropped sessions in ${WATCH_S} s; state reason: ${stack.agent.state()?.reason}`,
    );
    // Heartbeats keep their period (1 s here) and sessions back off up to retry_max_ms: a
    // bounded number of attempts, not a tight loop.
    const heartbeats = WATCH_S / (FAST_TTL.heartbeat_interval_ms / 1000);
    const sessions = WATCH_S / (FAST_TTL.retry_max_ms / 2000);
    expect(refused).toBeLessThanOrEqual(2 * (heartbeats + sessions) + 5);
    expect(stack.agent.state()?.state).toBe('degraded');
    expect(stack.agent.state()?.reason).toMatch(/clock/i);
    const clockLogs = logsMatching(stack.agent.lines, /clock/i);
    expect(clockLogs.length).toBeGreaterThan(0);
    expect(clockLogs.length).toBeLessThan(200);

    // Once the clocks agree again the node recovers by itself.
    await admin.clearFaults();
    await stack.agent.waitForState('active', 30_000);
  }, 90_000);
});
