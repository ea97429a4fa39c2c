import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { JobEngine } from '../../../src-main/core/jobs/job-engine.js';
import { outputHash } from '../../../src-main/core/jobs/job-result.js';
import { normaliseOutput } from '../../../src-main/core/protocol/output.js';
import { DEADLINE_MARGIN_MS } from '../../../src-main/core/jobs/job-runner.js';
import { createLogger, type LogEntry } from '../../../src-main/core/logger.js';
import { signEnvelope } from '../../../src-main/core/protocol/envelope.js';
import { NodeMessageBodies } from '../../../src-main/core/protocol/schemas/ws.js';
import { testSigner } from '../../helpers/keys.js';
import { makeJob, startHarness, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const resultsOf = (x: Harness) => x.sentOf('job_result');

describe('every job that ends here gets exactly one answer', () => {
  it('normalises lone surrogates to U+FFFD, so the result can be hashed, signed and sent', async () => {
    const signer = testSigner();
    const signed: string[] = [];
    h = await startHarness({
      // A lone high surrogate, a lone low one, a pair split across two chunks, a whole pair.
      server: {
        tokens: 5,
        chunkText: (i) => ['a\uD800', 'b\uDC00', 'c\uD83D', '\uDE00', '😀'][i]!,
      },
      engine: {
        link: {
          send: (type, body) => {
            // What the real link does: canonical JSON + signature, which a lone surrogate breaks.
            signed.push(JSON.stringify(signEnvelope(signer, type, body, h!.clock)));
            h!.sent.push({ type, body: body as Record<string, unknown> });
            return true;
          },
        },
      },
    });
    const job = makeJob(h.clock);
    h.engine.handleAssign(job);
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    const result = NodeMessageBodies.job_result.parse(resultsOf(h)[0]);
    expect(result.status).toBe('completed');
    expect(result.output).toBe('a\uFFFDb\uFFFDc😀😀');
    // How the network recomputes it: sha256 over the UTF-8 bytes of the output as received.
    expect(result.output_hash).toBe(
      createHash('sha256').update(Buffer.from(result.output, 'utf8')).digest('hex'),
    );
    expect(signed.some((f) => f.includes('"job_result"'))).toBe(true);
    expect(h.engine.counters()).toMatchObject({ completed_total: 1 });
  });

  it('keeps the normalisation idempotent and leaves well-formed text alone', () => {
    expect(normaliseOutput('ok 😀 é')).toBe('ok 😀 é');
    const once = normaliseOutput('\uDC00x\uD800');
    expect(once).toBe('\uFFFDx\uFFFD');
    expect(normaliseOutput(once)).toBe(once);
    expect(outputHash('\uD800')).toBe(outputHash('\uFFFD'));
  });

  it('answers an invalid assignment with job_reject invalid_job naming the field', async () => {
    h = await startHarness();
    h.engine.handleInvalidAssign('bad-1', 'job.max_tokens: Too small: expected number to be >0');
    expect(h.sentOf('job_reject')).toEqual([
      {
        job_id: 'bad-1',
        reason: 'invalid_job',
        detail:
          'The job does not follow the protocol: job.max_tokens: Too small: expected number to be >0',
      },
    ]);
    expect(h.events.map((e) => e.kind)).toEqual(['received', 'rejected']);
  });

  it('logs a result that cannot be sent, keeps it, and sends it at the next sweep', async () => {
    const logs: LogEntry[] = [];
    let throwing = true;
    h = await startHarness({
      server: { tokens: 2 },
      engine: {
        logger: createLogger([(e) => logs.push(e)], { minLevel: 'debug' }),
        link: {
          send: (type, body) => {
            if (type === 'job_result' && throwing) throw new Error('cannot sign this');
            h!.sent.push({ type, body: body as Record<string, unknown> });
            return true;
          },
        },
      },
    });
    h.engine.handleAssign(makeJob(h.clock));
    await expect
      .poll(() => logs.some((l) => /Could not send a job result/.test(l.message)))
      .toBe(true);
    expect(resultsOf(h)).toHaveLength(0);
    throwing = false;
    h.clock.advance(10_000); // the housekeeping sweep
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    expect(logs.filter((l) => /Could not send a job result/.test(l.message))).toHaveLength(1);
  });

  it('reports a job that stops on an internal error as failed instead of leaving it unanswered', async () => {
    const logs: LogEntry[] = [];
    h = await startHarness({ server: { tokens: 2 } });
    // A clock whose execution-timeout timer throws: a bug inside the job's own run.
    const limit = h.config.jobs.execution_timeout_ms;
    const clock = h.clock;
    const broken = Object.create(clock) as typeof clock;
    broken.setTimeout = (fn, ms) => {
      if (ms === limit) throw new Error('timer table full');
      return clock.setTimeout(fn, ms);
    };
    await h.restart();
    const engine = new JobEngine({
      runtime: h.runtime,
      journal: h.journal,
      clock: broken,
      logger: createLogger([(e) => logs.push(e)], { minLevel: 'debug' }),
      link: {
        send: (type, body) => {
          h!.sent.push({ type, body: body as Record<string, unknown> });
          return true;
        },
      },
    });
    engine.setConfig(h.config, h.digest);
    const job = makeJob(h.clock);
    engine.handleAssign(job);
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    expect(resultsOf(h)[0]).toMatchObject({
      job_id: job.job_id,
      status: 'failed',
      finish_reason: 'error',
      error: { code: 'failed' },
    });
    expect(String((resultsOf(h)[0] as { error: { message: string } }).error.message)).toContain(
      'timer table full',
    );
    expect(engine.counters()).toMatchObject({ in_flight: 0, failed_total: 1 });
    expect(logs.some((l) => /internal error; reporting it failed/.test(l.message))).toBe(true);
    await engine.close();
  });

  it(`stops a job ${DEADLINE_MARGIN_MS} ms before its deadline so the failure arrives in time`, async () => {
    h = await startHarness({ server: { tokens: 100_000, intervalMs: 5 } });
    const deadline = h.clock.now() + 5_000;
    h.engine.handleAssign(makeJob(h.clock, { max_tokens: 1000, deadline_at: deadline }));
    await h.server.waitForActive(1);
    h.clock.advance(5_000 - DEADLINE_MARGIN_MS - 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(resultsOf(h)).toHaveLength(0);
    h.clock.advance(1);
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    const r = NodeMessageBodies.job_result.parse(resultsOf(h)[0]);
    expect(r).toMatchObject({ status: 'failed', error: { code: 'deadline_exceeded' } });
    expect(r.timings.finished_at).toBeLessThan(deadline);
    await expect.poll(() => h!.server.clientClosed()).toBe(1);
  });

  it('refuses a job that arrives with less than the margin left', async () => {
    h = await startHarness();
    h.engine.handleAssign(makeJob(h.clock, { deadline_at: h.clock.now() + DEADLINE_MARGIN_MS }));
    await expect.poll(() => h!.sentOf('job_reject').length).toBe(1);
    expect(h.sentOf('job_reject')[0]).toMatchObject({ reason: 'deadline_passed' });
  });

  it('reports a runaway stream failed with usage no larger than max_tokens', async () => {
    h = await startHarness({
      server: { tokens: 100_000, intervalMs: 1, ignoreMaxTokens: true },
    });
    h.engine.handleAssign(makeJob(h.clock, { max_tokens: 8 }));
    await expect.poll(() => resultsOf(h!).length).toBe(1);
    const r = NodeMessageBodies.job_result.parse(resultsOf(h)[0]);
    expect(r).toMatchObject({ status: 'failed', finish_reason: 'error' });
    expect(r.error?.message).toContain('past max_tokens (8)');
    expect(r.usage.completion_tokens).toBe(8);
    expect(r.output).toBe('w0 w1 w2 w3 w4 w5 w6 w7 ');
    await expect.poll(() => h!.server.clientClosed()).toBe(1);
  });
});
