import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitUntil } from '../../helpers/processes.js';
import { ledgerCheck } from '../../bench/stack/admin-client.js';
import type { AgentLine } from '../../bench/stack/agent-process.js';
import type { Stack } from '../../bench/stack/stack.js';
import { allJobViews, completedTwice, startFaultStack, waitAllClosed } from './fault-stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startFaultStack('devnetkill', undefined, { keepJobLines: true });
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

/** Job ids the node saw acknowledged `accepted` (its --json `job` lines). */
const ackedAccepted = (lines: readonly AgentLine[]): string[] =>
  lines
    .filter((l) => l.type === 'job' && l.kind === 'acked' && l.outcome === 'accepted')
    .map((l) => String(l.jobId))
    .filter((id) => !id.startsWith('test-'));

describe('kill -9 of the devnet right after it acknowledges results', () => {
  it('keeps every submitted job and every acknowledged result across the restart', async () => {
    const { admin } = stack;
    // ~200 ms jobs, more than the node runs at once: results are acknowledged continuously.
    const submitted = await admin.submitJobs({ count: 150, max_tokens: 32, ttl_ms: 300_000 });
    await waitUntil(
      () => ackedAccepted(stack.agent.lines).length >= 20,
      '20 acknowledged results',
      60_000,
      2,
    );
    // The devnet answered result_ack for these: it must have saved them before it did.
    stack.devnet.proc.kill('SIGKILL');
    await stack.devnet.proc.exited;
    await sleep(300); // the node's last stdout lines (acks sent before the kill) arrive
    const acked = ackedAccepted(stack.agent.lines);
    const jobIds = submitted.job_ids;
    console.log(
      `devnet kill -9 after ${acked.length} acknowledged results of ${jobIds.length} jobs`,
    );

    await stack.restartDevnet({ kill: true });
    const restored = await admin.jobViews(acked);
    expect(restored.filter((v) => v.state !== 'completed').map((v) => v.job_id)).toEqual([]);
    // Every job the submission was answered for is known after the restart.
    expect((await admin.stats()).jobs_submitted).toBeGreaterThanOrEqual(jobIds.length);

    // The node reconnects and the rest of the stream finishes: nothing lost, nothing twice.
    await waitAllClosed(admin, 120_000);
    const ledger = await ledgerCheck(admin);
    expect(ledger.lost).toBe(0);
    expect(ledger.openIds).toEqual([]);
    expect(ledger.duplicatesAccepted).toBe(0);
    const views = (await allJobViews(admin)).filter((v) => jobIds.includes(v.job_id));
    expect(views).toHaveLength(jobIds.length);
    expect(completedTwice(views)).toEqual([]);
    expect(views.filter((v) => v.state !== 'completed').map((v) => v.job_id)).toEqual([]);
    // No job handed back was refused as a duplicate.
    const refusals = stack.agent.lines.filter((l) => l.type === 'job' && l.kind === 'rejected');
    expect(refusals.filter((l) => String(l.detail).startsWith('duplicate_job'))).toEqual([]);
  }, 240_000);
});
