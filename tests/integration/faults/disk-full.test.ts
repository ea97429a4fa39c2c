import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../helpers/processes.js';
import { Stack } from '../../bench/stack/stack.js';
import { FAST_JOBS, FAST_TTL, logsMatching, waitAllClosed } from './fault-stack.js';

/**
 * The journal on a real, small filesystem (tmpfs) that the test fills up: mounting needs root,
 * so without it the test says why and skips (CI=true makes that a failure).
 */
function tryMount(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `cannot mount a small tmpfs for the journal (${(err as Error).message.split('\n')[0]})`;
  }
}

let stack: Stack;
let journalDir = '';
let skipReason: string | null = null;

beforeAll(async () => {
  stack = await Stack.start({
    prefix: 'resultity-fault-disk-',
    runtime: { ttftMs: 20, tokensPerSecond: 200 },
    deferAgent: true,
    agent: { json: true, logLevel: 'debug' },
  });
  journalDir = path.join(stack.agentDataDir, 'local', 'journal');
  skipReason = tryMount(journalDir);
  if (skipReason && process.env.CI === 'true') throw new Error(skipReason);
  if (skipReason) return;
  await stack.admin.publish({ ttl: FAST_TTL, jobs: FAST_JOBS });
  stack.startAgent();
  await stack.agent.waitForState('active', 45_000);
  await stack.waitInRotation();
}, 90_000);

afterAll(async () => {
  if (journalDir && !skipReason) {
    // Lazily: the node may still hold the journal open until the stack stops it.
    execFileSync('umount', ['-l', journalDir], { stdio: 'pipe' });
  }
  await stack?.close();
});

/** Fills the journal's filesystem to the last byte. */
function fill(): string {
  const filler = path.join(journalDir, 'filler');
  try {
    writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024));
  } catch {
    // ENOSPC: whatever fitted stays
  }
  return filler;
}

describe('a full disk under the journal', () => {
  it('takes the node out of the rotation with the reason, and back in when space returns', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const { admin } = stack;
    const filler = fill();
    const before = await admin.stats();
    await admin.submitJobs({ count: 40, max_tokens: 16 });

    // The first refused write tells the network: the session reopens as not accepting and the
    // heartbeat says why; the node is no longer fed jobs it cannot record.
    const out = await waitUntil(
      async () => {
        const n = await stack.node();
        return n && !n.in_rotation && n.session?.accepting === false ? n : null;
      },
      'the node out of the rotation, its session not accepting',
      20_000,
      100,
    );
    expect(out.out_of_rotation_reason).toMatch(/not accepting/);
    const degraded = await stack.agent.waitForState('degraded', 10_000);
    expect(degraded.reason).toMatch(/cannot record jobs: the disk is full/);
    const hb = await waitUntil(
      async () => {
        const v = await admin.node(out.node_id);
        return /disk is full/.test(v.last_heartbeat?.state_reason ?? '') ? v : null;
      },
      'a heartbeat naming the full disk',
      10_000,
    );
    expect(hb.last_heartbeat?.state).toBe('degraded');
    const during = await admin.stats();
    const failed = during.jobs_failed - before.jobs_failed;
    console.log(`disk full: ${failed} of 40 jobs failed before the node left the rotation`);
    expect(failed).toBeLessThanOrEqual(5);
    // While the disk stays full the node stays out (a small record that fits is not enough).
    await new Promise((r) => setTimeout(r, 3 * FAST_TTL.heartbeat_interval_ms));
    expect((await stack.node())?.in_rotation).toBe(false);

    // Space returns: the next heartbeat's probe sees it, the session reopens as accepting.
    rmSync(filler, { force: true });
    await stack.waitInRotation(20_000);
    await stack.agent.waitForState('active', 20_000);
    expect(logsMatching(stack.agent.lines, /job journal can be written again/).length).toBe(1);
    expect(
      logsMatching(stack.agent.lines, /reopening the job session as not accepting/).length,
    ).toBe(1);
    await waitAllClosed(admin, 30_000);
    const after = await admin.stats();
    expect(after.jobs_completed - before.jobs_completed).toBeGreaterThanOrEqual(35);
    expect(stack.agent.proc.alive).toBe(true);
  }, 120_000);
});
