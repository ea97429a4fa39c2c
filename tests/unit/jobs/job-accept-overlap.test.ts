import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { makeJob, startHarness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/**
 * Holds the journal's answer for the next "accepted" record until `settle` is called: the
 * record is queued (and written) as usual, only the caller's promise waits.
 */
function holdAcceptRecord(x: Harness): { settle: (ok: boolean) => void } {
  const journal = x.journal;
  const transition = journal.transition.bind(journal);
  let settle: (ok: boolean) => void = () => undefined;
  journal.transition = (id, state, at, detail) => {
    const written = transition(id, state, at, detail);
    if (state !== 'accepted') return written;
    return new Promise<void>((resolve, reject) => {
      settle = (ok) =>
        ok
          ? void written.then(resolve, reject)
          : reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    });
  };
  return { settle: (ok) => settle(ok) };
}

const completions = (x: Harness) =>
  x.server.requests.filter((r) => r.path.includes('completions')).length;

describe('JobEngine: the runtime call overlaps the accept record', () => {
  it('starts the runtime at once; job_accept, partials and the result wait until the accept is durable', async () => {
    h = await startHarness({ server: { tokens: 5 }, engine: { partialIntervalMs: 100 } });
    const hold = holdAcceptRecord(h);
    const job = makeJob(h.clock, { stream_partial: true });
    h.engine.handleAssign(job);
    // The runtime answers the whole job while the accept record is still on its way.
    await expect.poll(() => completions(h!)).toBe(1);
    await expect.poll(() => h!.server.active()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.sent).toEqual([]);
    expect(h.events.map((e) => e.kind)).toEqual(['received']);

    hold.settle(true);
    await expect.poll(() => h!.sentOf('job_result').length).toBe(1);
    const types = h.sent.map((s) => s.type);
    expect(types[0]).toBe('job_accept');
    expect(types.at(-1)).toBe('job_result');
    // The text streamed before the accept still goes out as partials, before the result.
    const partials = h.sentOf('job_partial');
    expect(partials.map((p) => p.text).join('')).toBe('w0 w1 w2 w3 w4 ');
    expect(h.sentOf('job_result')[0]).toMatchObject({
      status: 'completed',
      output: 'w0 w1 w2 w3 w4 ',
    });
    expect(h.durableState(job.job_id)).toBe('result_ready');
    expect(h.events.map((e) => e.kind)).toEqual(['received', 'accepted', 'running', 'completed']);
  });

  it('refuses a job whose accept the journal cannot record: the runtime stream is closed, nothing else goes out', async () => {
    h = await startHarness({ server: { tokens: 200, intervalMs: 10 } });
    const hold = holdAcceptRecord(h);
    const job = makeJob(h.clock, { stream_partial: true });
    h.engine.handleAssign(job);
    await h.server.waitForActive(1);
    expect(h.engine.counters().in_flight).toBe(1);

    hold.settle(false);
    await expect.poll(() => h!.sentOf('job_reject').length).toBe(1);
    expect(h.sentOf('job_reject')[0]).toMatchObject({
      job_id: job.job_id,
      reason: 'not_accepting',
    });
    // The 2 s stream is closed, not read to its end, and the slot is free again.
    await expect.poll(() => h!.server.clientClosed()).toBe(1);
    await expect.poll(() => h!.engine.counters().in_flight).toBe(0);
    expect(h.sent.map((s) => s.type)).toEqual(['job_reject']);
    expect(h.engine.counters()).toEqual({ in_flight: 0, completed_total: 0, failed_total: 0 });
    expect(h.events.map((e) => e.kind)).toEqual(['received', 'rejected']);
  });
});
