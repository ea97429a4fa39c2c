import { afterEach, describe, expect, it } from 'vitest';
import { snapshotDigest } from '../../../src-main/core/protocol/snapshot.js';
import { makeJob, startHarness, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const MIN = 60_000;
const resultIds = (x: Harness) => x.sentOf('job_result').map((r) => String(r.job_id));

describe('JobEngine after a crash', () => {
  it('re-sends unacked results, re-runs or fails in-TTL jobs, drops expired ones, never duplicates', async () => {
    h = await startHarness({
      server: { tokens: 100_000, intervalMs: 5 },
      config: (c) => ({
        ...c,
        jobs: { ...c.jobs, execution_timeout_ms: 60 * MIN },
        ttl: { ...c.ttl, job_ttl_ms: 15 * MIN },
      }),
    });
    const t0 = h.clock.now();
    // E: done and acknowledged before the crash.
    const e = makeJob(h.clock, { max_tokens: 2 });
    h.engine.handleAssign(e);
    await expect.poll(() => resultIds(h!)).toEqual([e.job_id]);
    h.engine.handleAck(e.job_id, 'accepted');
    // D: still running, received 15+ minutes before the restart → expired.
    const d = makeJob(h.clock, { max_tokens: 1000, deadline_at: t0 + 60 * MIN });
    h.engine.handleAssign(d);
    await h.server.waitForActive(1);

    h.clock.set(t0 + 14 * MIN);
    // A: finished while the link was down → a result nobody has seen yet.
    h.link.up = false;
    const a = makeJob(h.clock, { max_tokens: 2 });
    h.engine.handleAssign(a);
    await expect.poll(() => h!.engine.counters().completed_total).toBe(2);
    // B: running, deadline far ahead → re-run. C: running, deadline passes while down → failed.
    const b = makeJob(h.clock, { max_tokens: 1000, deadline_at: t0 + 74 * MIN });
    const c = makeJob(h.clock, { max_tokens: 1000, deadline_at: t0 + 14 * MIN + 5_000 });
    h.engine.handleAssign(b);
    h.engine.handleAssign(c);
    await h.server.waitForActive(3);
    // F: received, never answered (the crash came before the accept).
    const f = makeJob(h.clock);
    await h.journal.received(f, h.clock.now(), h.digest);
    const aBefore = h.journal.get(a.job_id)?.result;
    expect(aBefore?.status).toBe('completed');
    const before = h.sent.length;

    await h.crash();
    await expect.poll(() => h!.server.active()).toBe(0); // the dead process's streams closed
    expect(h.sent.length).toBe(before);
    for (const j of [b, c, d]) expect(h.journal.get(j.job_id)?.state).toBe('running');

    h.clock.set(t0 + 15 * MIN + 1_000);
    h.server.options.tokens = 3;
    h.link.up = true;
    await h.engine.resume();
    await h.engine.onLinkUp();
    await expect.poll(() => new Set(resultIds(h!)).size).toBe(4);

    const after = h.sentOf('job_result').slice(1);
    expect(after.length).toBe(3); // each once
    const byId = new Map(after.map((r) => [String(r.job_id), r]));
    expect([...byId.keys()].sort()).toEqual([a.job_id, b.job_id, c.job_id].sort());
    expect(byId.get(a.job_id)).toEqual(aBefore); // the same result, re-sent (signed afresh by the link)
    expect(byId.get(b.job_id)).toMatchObject({ status: 'completed', output: 'w0 w1 w2 ' });
    expect(byId.get(c.job_id)).toMatchObject({ status: 'failed', error: { code: 'interrupted' } });
    expect(h.journal.has(d.job_id)).toBe(false);
    expect(h.journal.has(f.job_id)).toBe(false);
    expect(h.journal.get(e.job_id)?.state).toBe('acked');

    for (const id of byId.keys()) h.engine.handleAck(id, 'accepted');
    await h.engine.onLinkUp();
    h.clock.advance(5 * MIN);
    expect(h.sentOf('job_result').length).toBe(4);
    expect(h.journal.openRecords()).toEqual([]);
  });

  it('reports in-TTL jobs failed when the runtime cannot run them after the restart', async () => {
    h = await startHarness({ server: { tokens: 100_000, intervalMs: 5 } });
    const job = makeJob(h.clock, { max_tokens: 1000 });
    h.engine.handleAssign(job);
    await h.server.waitForActive(1);
    await h.crash();
    h.server.options.healthStatus = 500;
    await h.runtime.check();
    expect(h.runtime.status().state).not.toBe('ready');
    await h.engine.resume();
    await h.engine.onLinkUp();
    expect(h.sentOf('job_result')).toMatchObject([
      { job_id: job.job_id, status: 'failed', error: { code: 'interrupted' } },
    ]);
  });

  it('keeps a result that was made durable but not sent when the crash came right after', async () => {
    h = await startHarness({ server: { tokens: 2 } });
    h.link.up = false;
    const job = makeJob(h.clock);
    h.engine.handleAssign(job);
    await expect.poll(() => h!.engine.counters().completed_total).toBe(1);
    await h.crash();
    h.link.up = true;
    await h.engine.resume();
    expect(h.sentOf('job_result')).toEqual([]); // resume holds; the link-up sends
    await h.engine.onLinkUp();
    expect(h.sentOf('job_result').map((r) => r.job_id)).toEqual([job.job_id]);
  });
});

describe('JobEngine.onConfigApplied', () => {
  it('deletes finished traces of older snapshots and keeps unacknowledged results', async () => {
    h = await startHarness({ server: { tokens: 2 } });
    const acked = makeJob(h.clock);
    h.engine.handleAssign(acked);
    await expect.poll(() => h!.sentOf('job_result').length).toBe(1);
    h.engine.handleAck(acked.job_id, 'accepted');
    const rejected = makeJob(h.clock, { model: 'unknown-model' });
    h.engine.handleAssign(rejected);
    h.link.up = false;
    const unacked = makeJob(h.clock);
    h.engine.handleAssign(unacked);
    await expect.poll(() => h!.engine.counters().completed_total).toBe(2);

    const next = { ...h.config, serial: h.config.serial + 1 };
    const digest2 = snapshotDigest(next);
    h.engine.setConfig(next, digest2);
    const current = makeJob(h.clock);
    h.link.up = true;
    h.engine.handleAssign(current);
    await expect.poll(() => h!.sentOf('job_result').length).toBe(2);
    h.engine.handleAck(current.job_id, 'accepted');

    await h.engine.onConfigApplied(digest2);
    expect(h.journal.has(acked.job_id)).toBe(false);
    expect(h.journal.has(rejected.job_id)).toBe(false);
    expect(h.journal.get(unacked.job_id)?.state).toBe('result_ready');
    expect(h.journal.get(current.job_id)?.state).toBe('acked');
    await h.engine.onLinkUp();
    expect(h.sentOf('job_result').at(-1)?.job_id).toBe(unacked.job_id);
  });
});
