import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitUntil } from '../../helpers/processes.js';
import type { Stack } from '../../bench/stack/stack.js';
import {
  FAST_TTL,
  logsMatching,
  startFaultStack,
  waitAllClosed,
  serveBatch,
} from './fault-stack.js';

// Jobs stream at 200 tokens/s: 16 tokens take ~0.1 s, 1,000 tokens ~5 s.
const RUNTIME = { ttftMs: 20, tokensPerSecond: 200 };

let stack: Stack;

beforeAll(async () => {
  stack = await startFaultStack('broken-runtime', RUNTIME);
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

describe('invalid jobs and broken runtimes', () => {
  it('answers every invalid job_assign with job_reject invalid_job naming the field', async () => {
    await stack.admin.setFaults({ invalid_jobs: true });
    type Answers = Record<string, { reason: string; detail: string }>;
    const answers = await waitUntil(
      async () => {
        const f = (await stack.admin.stats()).faults.invalid_jobs as { answers: Answers } | null;
        return f && Object.keys(f.answers).length >= 7 ? f.answers : null;
      },
      'the node to answer all 7 probe assignments',
      15_000,
    );
    await stack.admin.clearFaults();
    const expected: Record<string, RegExp> = {
      'invalid-max-tokens-zero': /job\.max_tokens/,
      'invalid-max-tokens-negative': /job\.max_tokens/,
      'invalid-chat-without-messages': /job\.messages/,
      'invalid-unknown-kind': /job\.kind/,
      'invalid-prompt-too-long': /job\.prompt/,
      'invalid-too-many-messages': /job\.messages/,
    };
    for (const [id, field] of Object.entries(expected)) {
      expect(answers[id]?.reason, id).toBe('invalid_job');
      expect(answers[id]?.detail, id).toMatch(field);
    }
    // `org/name` is a legal served name: that job is judged like any other (not approved here).
    expect(answers['invalid-served-name-org-slash-name']?.reason).toBe('model_not_approved');
    expect(stack.agent.state()?.state).toBe('active');
    await serveBatch(stack, 5);
  }, 60_000);

  it('sends a result for output holding a lone surrogate, normalised to U+FFFD', async () => {
    await stack.runtime.fault({ fault: 'lone-surrogate' });
    const before = await stack.admin.stats();
    await serveBatch(stack, 6);
    await stack.runtime.fault({ fault: 'clear' });
    const after = await stack.admin.stats();
    expect(after.results_accepted - before.results_accepted).toBe(6);
    expect(after.invalid_results_rejected).toBe(before.invalid_results_rejected);
  }, 60_000);

  it('keeps heartbeats on time while /metrics hangs, reporting the current state', async () => {
    await stack.runtime.fault({ fault: 'metrics-hang' });
    const nodeId = (await stack.node())!.node_id;
    // Watch the heartbeats for 8 s: the longest gap must stay inside the network's window
    // (FAST_TTL: 1 s period, 5 s window). A heartbeat held ~5 s by each /metrics call fell out.
    let last = (await stack.admin.node(nodeId)).last_heartbeat_at!;
    let longestGap = 0;
    let beats = 0;
    const until = Date.now() + 8_000;
    while (Date.now() < until) {
      await sleep(200);
      const at = (await stack.admin.node(nodeId)).last_heartbeat_at!;
      if (at !== last) {
        longestGap = Math.max(longestGap, at - last);
        last = at;
        beats++;
      }
    }
    longestGap = Math.max(longestGap, Date.now() - last);
    console.log(`hung /metrics: ${beats} heartbeats in 8 s, longest gap ${longestGap} ms`);
    expect(longestGap).toBeLessThan(FAST_TTL.heartbeat_window_ms);
    expect(beats).toBeGreaterThanOrEqual(2);
    const node = await stack.admin.node(nodeId);
    expect(node.in_rotation).toBe(true);
    expect(node.last_heartbeat?.state).toBe('active');
    expect(node.last_heartbeat?.runtime.healthy).toBe(true);
    await serveBatch(stack, 3);
    await stack.runtime.fault({ fault: 'clear' });
  }, 60_000);

  it('stops a job with a margin before its deadline, so the failure arrives in time', async () => {
    const before = await stack.admin.stats();
    const node = (await stack.node())!.node_id;
    // A hung runtime never answers; each assignment has 2.5 s.
    await stack.runtime.fault({ fault: 'hang' });
    const { job_ids } = await stack.admin.submitJobs({
      count: 3,
      max_tokens: 16,
      timeout_ms: 2_500,
      ttl_ms: 2_500,
    });
    await waitAllClosed(stack.admin, 30_000);
    await stack.runtime.fault({ fault: 'clear' });
    const after = await stack.admin.stats();
    const views = await stack.admin.jobViews(job_ids);
    for (const v of views) console.log(`deadline job ${v.job_id}: ${JSON.stringify(v.events)}`);
    for (const v of views) {
      expect(v.state).toBe('failed');
      // The node's report came first: the network saw a failure, never a missed deadline.
      expect(v.events.some((e) => e.event === 'node_failed')).toBe(true);
      expect(v.events.some((e) => e.event === 'deadline')).toBe(false);
    }
    expect(after.deadline_misses).toBe(before.deadline_misses);
    expect(after.late_results_rejected).toBe(before.late_results_rejected);
    expect(after.node_reported_failures - before.node_reported_failures).toBe(3);
    await stack.waitInRotation();
    expect((await stack.admin.node(node)).status).toBe('active');
  }, 60_000);

  it('stops taking jobs at the first refused runtime connection', async () => {
    const before = await stack.admin.stats();
    const port = stack.runtime.port;
    stack.runtime.proc.kill('SIGKILL');
    await stack.runtime.proc.exited;
    // A steady stream of jobs while the runtime is gone.
    for (let i = 0; i < 6; i++) {
      await stack.admin.submitJobs({ count: 4, max_tokens: 16, ttl_ms: 60_000 });
      await sleep(250);
    }
    const degraded = await stack.agent.waitForState('degraded', 10_000);
    expect(degraded.reason).toMatch(/connection refused/);
    await waitUntil(
      async () => (await stack.node())?.in_rotation === false,
      'out of rotation',
      10_000,
    );
    const during = await stack.admin.stats();
    const failures = during.node_reported_failures - before.node_reported_failures;
    console.log(
      `refused runtime: ${failures} jobs failed on the node before it stopped taking jobs`,
    );
    // Only jobs already accepted when the first connection was refused can fail; 24 were sent.
    expect(failures).toBeLessThanOrEqual(4);
    expect(logsMatching(stack.agent.lines, /Runtime unhealthy: .*connection refused/).length).toBe(
      1,
    );

    await stack.restartRuntime({ ...RUNTIME, port });
    await stack.agent.waitForState('active', 30_000);
    await stack.waitInRotation();
    await waitAllClosed(stack.admin, 60_000);
    await serveBatch(stack, 3);
  }, 120_000);

  it('stops reading a runaway stream at max_tokens, reports honest usage, and goes degraded', async () => {
    await stack.runtime.fault({ fault: 'runaway' });
    const before = await stack.admin.stats();
    const started = Date.now();
    await stack.admin.submitJobs({ count: 4, max_tokens: 16, ttl_ms: 60_000 });
    const degraded = await stack.agent.waitForState('degraded', 20_000);
    // Three runaway streams in a row make the runtime unhealthy, long before any deadline.
    expect(degraded.reason).toMatch(/ran past max_tokens/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitUntil(
      async () => (await stack.node())?.in_rotation === false,
      'out of rotation',
      10_000,
    );
    const after = await stack.admin.stats();
    expect(after.node_reported_failures - before.node_reported_failures).toBeGreaterThanOrEqual(3);
    // No result claimed more tokens than allowed (the network would reject it as invalid).
    expect(after.invalid_results_rejected).toBe(before.invalid_results_rejected);
    expect(after.deadline_misses).toBe(before.deadline_misses);
  }, 60_000);
});
