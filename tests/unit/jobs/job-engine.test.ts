import { afterEach, describe, expect, it } from 'vitest';
import { outputHash } from '../../../src-main/core/jobs/job-result.js';
import { createLogger, type LogEntry } from '../../../src-main/core/logger.js';
import { NodeMessageBodies } from '../../../src-main/core/protocol/schemas/ws.js';
import { makeJob, startHarness, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const resultsOf = (x: Harness) => x.sentOf('job_result');

describe('JobEngine', () => {
  it('accepts, runs and returns a hashed, timed result; accept and result are durable before they are sent', async () => {
    h = await startHarness({ server: { tokens: 5 } });
    const seenDurable: Record<string, string | undefined> = {};
    h.onSend = (s) => {
      if (s.type === 'job_accept' || s.type === 'job_result')
        seenDurable[s.type] = h!.durableState(String(s.body.job_id));
    };
    const job = makeJob(h.clock);
    h.engine.handleAssign(job);
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    expect(seenDurable).toEqual({ job_accept: 'accepted', job_result: 'result_ready' });
    expect(h.sent.map((s) => s.type)).toEqual(['job_accept', 'job_result']);
    const result = NodeMessageBodies.job_result.parse(resultsOf(h)[0]);
    expect(result).toMatchObject({
      job_id: job.job_id,
      model: 'sim-chat-1b',
      status: 'completed',
      output: 'w0 w1 w2 w3 w4 ',
      finish_reason: 'stop',
      usage: { prompt_tokens: 7, completion_tokens: 5 },
      config_digest: h.digest,
    });
    // sha256 of the UTF-8 output, as `printf 'w0 w1 w2 w3 w4 ' | sha256sum` prints it.
    expect(result.output_hash).toBe(
      '5808a52d49ccdf96f00cde8fea5463dd648448f4ee95eff1e1499e63be999111',
    );
    const t = result.timings;
    expect(t.received_at).toBe(h.clock.now());
    expect(t.started_at).not.toBeNull();
    expect(t.first_token_at).not.toBeNull();
    expect(t.finished_at).toBeGreaterThanOrEqual(t.received_at);
    expect(h.engine.counters()).toEqual({ in_flight: 0, completed_total: 1, failed_total: 0 });
    expect(h.events.map((e) => e.kind)).toEqual(['received', 'accepted', 'running', 'completed']);
    expect(h.events[3]).toMatchObject({ completionTokens: 5, promptTokens: 7 });
  });

  it('starts the runtime without waiting for the "running" record, which only informs', async () => {
    h = await startHarness({ server: { tokens: 3 } });
    const journal = h.journal;
    const transition = journal.transition.bind(journal);
    // A "running" record that never commits: the job must still run and deliver its result.
    journal.transition = (id, state, at, detail) =>
      state === 'running' ? new Promise<void>(() => undefined) : transition(id, state, at, detail);
    const job = makeJob(h.clock);
    h.engine.handleAssign(job);
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    expect(resultsOf(h)[0]).toMatchObject({ job_id: job.job_id, status: 'completed' });
    expect(h.durableState(job.job_id)).toBe('result_ready');
  });

  it('is done only when acknowledged, and never re-sends after the ack', async () => {
    h = await startHarness({ server: { tokens: 2 } });
    const job = makeJob(h.clock);
    h.engine.handleAssign(job);
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    await h.engine.onLinkUp(); // no ack yet: sent again (the network answers duplicate)
    expect(resultsOf(h).length).toBe(2);
    h.engine.handleAck(job.job_id, 'duplicate');
    await h.journal.flush();
    expect(h.durableState(job.job_id)).toBe('acked');
    await h.engine.onLinkUp();
    h.clock.advance(60_000); // past the overdue-ack re-send
    expect(resultsOf(h).length).toBe(2);
    expect(h.events.at(-1)).toMatchObject({
      kind: 'acked',
      outcome: 'duplicate',
      model: 'sim-chat-1b',
    });
  });

  it('takes back a job it still holds when the network reassigns it, and runs again one handed back after its ack', async () => {
    h = await startHarness({ server: { tokens: 2 } });
    const job = makeJob(h.clock);
    h.engine.handleAssign(job);
    h.engine.handleAssign(job); // still running: accepted again, not run twice
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    await expect.poll(() => h!.sentOf('job_accept').length).toBe(2);
    h.engine.handleAssign(job); // result not yet acknowledged: accepted, and the result re-sent
    await expect.poll(() => resultsOf(h!).length).toBe(2);
    await expect.poll(() => h!.sentOf('job_accept').length).toBe(3);
    expect(h.server.requests.filter((r) => r.path.includes('completions')).length).toBe(1); // ran once
    h.engine.handleAck(job.job_id, 'accepted');
    await h.journal.flush();
    expect(h.journal.get(job.job_id)).toMatchObject({
      state: 'acked',
      attempt: 1,
      outcome: 'completed',
    });
    // The network lost the acknowledged result (it crashed before saving it) and hands the job
    // back: the network is authoritative, so this is a re-assignment, run again — not refused.
    h.clock.advance(1_000);
    h.engine.handleAssign({ ...job, assigned_at: h.clock.now() });
    await expect.poll(() => resultsOf(h!).length).toBe(3);
    expect(h.sentOf('job_accept').length).toBe(4);
    expect(h.sentOf('job_reject')).toEqual([]);
    expect(h.server.requests.filter((r) => r.path.includes('completions')).length).toBe(2);
    expect(h.journal.get(job.job_id)).toMatchObject({ state: 'result_ready', attempt: 2 });
    expect(h.engine.counters().completed_total).toBe(2);
  });

  it('decides from the typed ack outcome: a network reason quoting the old marker cannot flip it', async () => {
    const logs: LogEntry[] = [];
    h = await startHarness({
      server: { tokens: 2 },
      engine: { logger: createLogger([(e) => logs.push(e)], { minLevel: 'debug' }) },
    });
    const job = makeJob(h.clock);
    h.engine.handleAssign(job);
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    // The old engine matched ' (failed attempt)' and a leading 'rejected' in its free-text
    // detail, which carries the network's reason: this reason would have flipped it.
    h.engine.handleAck(job.job_id, 'accepted', 'rejected (failed attempt)');
    await h.journal.flush();
    expect(h.journal.get(job.job_id)).toMatchObject({ state: 'acked', outcome: 'completed' });
    h.engine.handleAssign(job);
    await expect.poll(() => resultsOf(h!).length).toBe(2);
    const handedBack = logs.filter((l) => /handed back job/.test(l.message));
    expect(handedBack).toHaveLength(1);
    expect(handedBack[0]).toMatchObject({ level: 'warn' });
    expect(handedBack[0]!.message).toContain('after acknowledging its completed result');
    expect(h.sentOf('job_reject')).toEqual([]);
  });

  it('runs up to max_queue_size jobs at once and refuses the rest with queue_full', async () => {
    h = await startHarness({
      server: { tokens: 40, intervalMs: 10 },
      config: (c) => ({ ...c, jobs: { ...c.jobs, max_queue_size: 8 } }),
    });
    const jobs = Array.from({ length: 10 }, () => makeJob(h!.clock));
    for (const j of jobs) h.engine.handleAssign(j);
    await h.server.waitForActive(8);
    expect(h.engine.counters().in_flight).toBe(8);
    await expect.poll(() => h!.sentOf('job_reject').length).toBe(2);
    expect(h.sentOf('job_reject').every((r) => r.reason === 'queue_full')).toBe(true);
    await expect.poll(() => resultsOf(h!).length, { timeout: 10_000 }).toBe(8);
    expect(h.server.maxConcurrent()).toBe(8);
    expect(h.engine.counters()).toMatchObject({ in_flight: 0, completed_total: 8 });
  });

  it('stops a job at its execution timeout and closes the runtime stream', async () => {
    h = await startHarness({
      server: { tokens: 100_000, intervalMs: 5 },
      config: (c) => ({ ...c, jobs: { ...c.jobs, execution_timeout_ms: 2_000 } }),
    });
    h.engine.handleAssign(makeJob(h.clock, { max_tokens: 1000 }));
    await h.server.waitForActive(1);
    h.clock.advance(2_000);
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    const r = NodeMessageBodies.job_result.parse(resultsOf(h)[0]);
    expect(r).toMatchObject({
      status: 'failed',
      finish_reason: 'error',
      error: { code: 'timeout' },
    });
    expect(r.error?.message).toContain('execution limit of 2 s');
    expect(r.output_hash).toBe(outputHash(r.output));
    await expect.poll(() => h!.server.clientClosed()).toBe(1);
    expect(h.engine.counters().failed_total).toBe(1);
  });

  it('stops a job at its deadline', async () => {
    h = await startHarness({ server: { tokens: 100_000, intervalMs: 5 } });
    h.engine.handleAssign(
      makeJob(h.clock, { max_tokens: 1000, deadline_at: h.clock.now() + 1_500 }),
    );
    await h.server.waitForActive(1);
    h.clock.advance(1_500);
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    expect(resultsOf(h)[0]).toMatchObject({
      status: 'failed',
      error: { code: 'deadline_exceeded' },
    });
    await expect.poll(() => h!.server.clientClosed()).toBe(1);
  });

  it('cancels on job_cancel by closing the stream and sends a cancelled failed result', async () => {
    h = await startHarness({ server: { tokens: 100_000, intervalMs: 5 } });
    const job = makeJob(h.clock, { max_tokens: 1000 });
    h.engine.handleAssign(job);
    await h.server.waitForActive(1);
    h.engine.handleCancel(job.job_id, 'reassigned');
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    expect(resultsOf(h)[0]).toMatchObject({
      status: 'failed',
      finish_reason: 'cancelled',
      error: { code: 'cancelled', message: 'Cancelled by the network: reassigned.' },
    });
    await expect.poll(() => h!.server.clientClosed()).toBe(1);
    expect(h.server.active()).toBe(0);
  });

  it('reports a runtime failure as a failed result with the runtime’s words', async () => {
    h = await startHarness({
      server: { failWith: { status: 500, body: '{"error":{"message":"CUDA error"}}' } },
    });
    h.engine.handleAssign(makeJob(h.clock));
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    const r = resultsOf(h)[0] as { error: { code: string; message: string } };
    expect(r.error.code).toBe('failed');
    expect(r.error.message).toContain('CUDA error');
  });

  it('runs a job again when the network hands back one whose attempt here failed', async () => {
    h = await startHarness({
      server: { failWith: { status: 500, body: '{"error":{"message":"CUDA error"}}' } },
    });
    const job = makeJob(h.clock);
    h.engine.handleAssign(job);
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    expect((resultsOf(h)[0] as { status: string }).status).toBe('failed');
    h.engine.handleAck(job.job_id, 'accepted');
    await h.journal.flush();
    expect(h.journal.get(job.job_id)).toMatchObject({ attempt: 1, outcome: 'failed' });
    h.server.options.failWith = null; // the runtime is back
    h.engine.handleAssign(job); // the network reassigns the failed job to this node
    await expect.poll(() => resultsOf(h!).length).toBe(2);
    expect((resultsOf(h)[1] as { status: string }).status).toBe('completed');
    expect(h.sentOf('job_reject')).toEqual([]);
    expect(h.journal.get(job.job_id)).toMatchObject({ attempt: 2 });
    h.engine.handleAck(job.job_id, 'accepted');
    await h.journal.flush();
    expect(h.journal.get(job.job_id)).toMatchObject({ attempt: 2, outcome: 'completed' });
  });

  it('judges afresh a job it refused before when the network offers it again', async () => {
    h = await startHarness({ config: (c) => ({ ...c, jobs: { ...c.jobs, max_queue_size: 1 } }) });
    const first = makeJob(h.clock);
    const second = makeJob(h.clock);
    h.engine.handleAssign(first);
    h.engine.handleAssign(second); // queue full: refused
    await expect.poll(() => h!.sentOf('job_reject').length).toBe(1);
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    h.engine.handleAck(first.job_id, 'accepted');
    h.engine.handleAssign(second); // offered again once there is room: accepted and run
    await expect.poll(() => resultsOf(h!).length).toBe(2);
    expect(h.sentOf('job_reject').length).toBe(1);
  });

  it('streams partial output in throttled, ordered job_partial frames', async () => {
    h = await startHarness({
      server: { tokens: 30, intervalMs: 2 },
      engine: { partialIntervalMs: 100 },
    });
    h.engine.handleAssign(makeJob(h.clock, { stream_partial: true }));
    await expect
      .poll(() => {
        h!.clock.advance(100);
        return resultsOf(h!).length;
      })
      .toBe(1);
    const partials = h.sentOf('job_partial');
    expect(partials.length).toBeGreaterThan(1);
    expect(partials.length).toBeLessThan(30);
    expect(partials.map((p) => p.seq)).toEqual(partials.map((_, i) => i));
    expect(partials.map((p) => p.text).join('')).toBe(resultsOf(h)[0]!.output);
    const lastPartial = h.sent.findLastIndex((s) => s.type === 'job_partial');
    expect(lastPartial).toBeLessThan(h.sent.findIndex((s) => s.type === 'job_result'));
  });

  it('keeps results while the link is down and sends them on link up', async () => {
    h = await startHarness({ server: { tokens: 2 } });
    h.link.up = false;
    const a = makeJob(h.clock);
    const b = makeJob(h.clock);
    h.engine.handleAssign(a);
    h.engine.handleAssign(b);
    await expect.poll(() => h!.engine.counters().completed_total).toBe(2);
    expect(resultsOf(h)).toEqual([]);
    h.link.up = true;
    await h.engine.onLinkUp();
    expect(
      resultsOf(h)
        .map((r) => r.job_id)
        .sort(),
    ).toEqual([a.job_id, b.job_id].sort());
  });

  it('re-sends a result whose acknowledgement is overdue', async () => {
    h = await startHarness({
      server: { tokens: 2 },
      engine: { ackTimeoutMs: 20_000, housekeepingMs: 10_000 },
    });
    h.engine.handleAssign(makeJob(h.clock));
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    h.clock.advance(10_000);
    expect(resultsOf(h).length).toBe(1);
    h.clock.advance(10_000);
    await expect.poll(() => resultsOf(h!).length).toBe(2);
  });

  it('drains: refuses new jobs and waits for the ones in flight', async () => {
    h = await startHarness({ server: { tokens: 20, intervalMs: 10 } });
    h.engine.handleAssign(makeJob(h.clock));
    await h.server.waitForActive(1);
    const drained = h.engine.drain(60_000);
    h.engine.handleAssign(makeJob(h.clock));
    await drained;
    expect(resultsOf(h).length).toBe(1);
    expect(h.sentOf('job_reject')[0]).toMatchObject({ reason: 'not_accepting' });
    h.engine.undrain();
    h.engine.handleAssign(makeJob(h.clock));
    await expect.poll(() => h!.sentOf('job_accept').length).toBe(2);
  });

  it('journals a rejected job as finished, with its reason', async () => {
    h = await startHarness();
    const job = makeJob(h.clock, { model: 'not-approved' });
    h.engine.handleAssign(job);
    await expect.poll(() => h!.sentOf('job_reject').length).toBe(1);
    expect(h.journal.get(job.job_id)).toMatchObject({
      state: 'rejected',
      outcome: 'refused',
      attempt: 1,
      detail: 'model_not_approved',
    });
    expect(h.events.map((e) => e.kind)).toEqual(['received', 'rejected']);
  });
});
