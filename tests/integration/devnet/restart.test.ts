import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../src-main/core/protocol/schemas/ws.js';
import { startTestDevnet } from './harness.js';
import { activeNode, TestNode } from './node-client.js';

describe('devnet restart with --state-dir', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('keeps registered nodes, snapshot history, the signer and the job ledger', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'devnet-state-'));
    dirs.push(dir);
    const first = await startTestDevnet({ stateDir: dir });
    const { node, session } = await activeNode(first.url, first.wsUrl);
    first.publishSnapshot({ merge: { jobs: { max_queue_size: 8 } } });
    const [done] = first.submitJobs(1);
    await session.serveNext();
    await session.next('result_ack');
    const [inFlight] = first.submitJobs(1);
    const job = (await session.next('job_assign')).job as Job;
    session.send('job_accept', { job_id: job.job_id });
    const [failed] = first.submitJobs({ count: 1, model: 'no-such-model', ttl_ms: 30 });
    await expect.poll(() => first.core.ledger.get(failed!)?.state).toBe('failed');
    const before = first.stats();
    const signer = first.signerAddress;
    await first.close();
    expect((await stat(join(dir, 'network-key'))).mode & 0o777).toBe(0o600);

    const second = await startTestDevnet({ stateDir: dir });
    try {
      expect(second.signerAddress).toBe(signer);
      expect(second.core.history.current.serial).toBe(2);
      const after = second.stats();
      expect(after.jobs_submitted).toBe(before.jobs_submitted);
      expect(after.jobs_completed).toBe(1);
      expect(after.jobs_failed).toBe(before.jobs_failed);
      expect(after.jobs_submitted).toBe(
        (after.jobs_completed as number) +
          (after.jobs_failed as number) +
          (after.jobs_pending as number) +
          (after.jobs_in_flight as number),
      );
      expect((await second.admin.job(done!)).state).toBe('completed');
      expect((await second.admin.job(inFlight!)).state).toBe('pending');
      // The node is still known and active: no re-registration, no new test task.
      const again = new TestNode(second.url, node.privateKey);
      const hb = await again.heartbeat();
      expect(hb.status).toBe(200);
      expect(hb.json.status).toBe('active');
      const s2 = await again.connect(second.wsUrl);
      expect(s2.ready?.status).toBe('active');
      // Its result for the job it held is accepted: the job is still open.
      s2.send('job_result', s2.resultFor(job));
      expect((await s2.next('result_ack')).outcome).toBe('accepted');
      expect((await second.admin.job(inFlight!)).state).toBe('completed');
      s2.close();
    } finally {
      await second.close();
    }
  });

  it('writes a large backlog in slices and restores all of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'devnet-state-'));
    dirs.push(dir);
    const first = await startTestDevnet({ stateDir: dir });
    const ids = first.submitJobs(1200);
    await first.close();
    const second = await startTestDevnet({ stateDir: dir });
    try {
      const s = second.stats();
      expect(s.jobs_submitted).toBe(1200);
      expect(s.jobs_pending).toBe(1200);
      expect(second.core.ledger.get(ids[1199]!)?.state).toBe('pending');
    } finally {
      await second.close();
    }
  });
});
