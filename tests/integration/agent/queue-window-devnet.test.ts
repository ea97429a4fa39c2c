import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../../src-main/devnet/io/devnet.js';
import { DEVNET_MODEL } from '../../../src-main/devnet/io/default-snapshot.js';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/index.js';
import { networkOfNode } from './network-view.js';
import { NodeIdentity, startNode, waitFor, type RunningNode } from './node-on-devnet.js';

// A runtime of 8 slots, ~40 ms a job: the node's eighth is 2 (10 jobs at once).
const SLOTS = 8;
const MAX_QUEUE = 48;

let root: string;
let devnet: Devnet;
let sim: SimRuntime;
let node: RunningNode;

/** The node as the network sees it: its open session's `max_concurrency`. */
const network = networkOfNode<{ session: { max_concurrency: number } | null }>(
  () => ({ url: devnet.url, token: devnet.adminToken }),
  () => node.node.agent.nodeId,
);
const announced = async () => (await network.view()).session?.max_concurrency ?? null;
const announcing = (what: string, ok: (n: number) => boolean, timeoutMs?: number) =>
  network.until(what, (v) => v.session !== null && ok(v.session.max_concurrency), timeoutMs);

/** Keeps a backlog of short jobs on the network until stopped. */
function backlog() {
  let on = true;
  const loop = (async () => {
    while (on) {
      if (devnet.core.ledger.countOf('pending') < 200)
        devnet.submitJobs({ count: 200, max_tokens: 8 });
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return async () => {
    on = false;
    await loop;
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'queue-window-'));
  devnet = await startDevnet({ stateDir: join(root, 'devnet'), wsPingIntervalMs: 2000 });
  devnet.publishSnapshot({
    merge: {
      runtime: { max_num_seqs: SLOTS },
      jobs: { max_queue_size: MAX_QUEUE },
      ttl: { heartbeat_interval_ms: 500 },
    },
  });
  sim = await startSimRuntime({
    model: DEVNET_MODEL.name,
    servedModelName: DEVNET_MODEL.served_name,
    warmupMs: 0,
    maxNumSeqs: SLOTS,
    ttftMs: 20,
    tokensPerSecond: 400,
  });
  node = await startNode(join(root, 'node'), NodeIdentity.generate(), devnet, sim);
  await waitFor(() => node.node.agent.state().name === 'active', 'active', 30_000);
}, 60_000);

afterAll(async () => {
  await node?.stop().catch(() => undefined);
  await devnet?.close();
  await sim?.close();
  await rm(root, { recursive: true, force: true });
});

describe('the queue window on the devnet', () => {
  it('keeps a small window while the network refills within milliseconds', async () => {
    await announcing('slots + 2 announced', (n) => n === SLOTS + 2);
    const stop = backlog();
    const completed = devnet.core.ledger.counters.jobs_completed;
    // Several heartbeats, each with hundreds of refills measured.
    await waitFor(() => devnet.core.ledger.counters.jobs_completed > completed + 600, '600 jobs');
    await stop();
    const near = (await announced())!;
    // The refill here is the devnet and node sharing this process: a few ms, ~200 results/s.
    expect(near).toBeGreaterThanOrEqual(SLOTS + 2);
    expect(near).toBeLessThan(MAX_QUEUE / 2);
  }, 60_000);

  it('announces a wider window when assignments take long to arrive, within jobs.max_queue_size', async () => {
    devnet.core.faults.apply({ slow_assignments: { ms: 300 } }, 0);
    const stop = backlog();
    try {
      // 300 ms without a job per freed slot: twice the results of that time must be queued.
      // Each step waits for a heartbeat and reopens the session: generous on a busy machine.
      const wide = await announcing('a wider window', (n) => n >= 30, 60_000);
      expect(wide.session!.max_concurrency).toBeLessThanOrEqual(MAX_QUEUE);
    } finally {
      await stop();
      devnet.core.faults.apply({ slow_assignments: false }, 0);
    }
    expect(
      node.logs.some((l) => /Reopening the job session to take \d+ jobs/.test(l.message)),
    ).toBe(true);
    await waitFor(() => devnet.core.ledger.countOf('pending') === 0, 'the backlog served', 30_000);
    expect(devnet.core.ledger.counters.deadline_misses).toBe(0);
  }, 180_000);
});
