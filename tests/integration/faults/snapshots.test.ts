import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../helpers/processes.js';
import type { NodeView } from '../../bench/stack/admin-client.js';
import type { Stack } from '../../bench/stack/stack.js';
import { logsMatching, startFaultStack } from './fault-stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startFaultStack('snapshots');
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

/** The node's latest heartbeat as the devnet received it, once it satisfies `ok`. */
async function heartbeatWhere(
  what: string,
  ok: (hb: NonNullable<NodeView['last_heartbeat']>) => boolean,
): Promise<NonNullable<NodeView['last_heartbeat']>> {
  return waitUntil(
    async () => {
      const node = await stack.node();
      const hb = node ? (await stack.admin.node(node.node_id)).last_heartbeat : undefined;
      return hb && ok(hb) ? hb : null;
    },
    what,
    20_000,
    200,
  );
}

describe('signed snapshots under attack', () => {
  it('refuses a snapshot with a bad signature and keeps the last known good one', async () => {
    const { admin } = stack;
    const good = (await admin.stats()).config.config_digest;
    await heartbeatWhere('a heartbeat with the good digest', (hb) => hb.config_digest === good);
    await admin.setFaults({ bad_snapshot_signature: true });
    const forged = await admin.publish({ jobs: { max_output_tokens: 900 } });
    const hb = await heartbeatWhere(
      'the node to report the refused signature',
      (h) => h.config_status.state === 'invalid_signature',
    );
    expect(hb.config_digest).toBe(good);
    expect(hb.config_digest).not.toBe(forged.config_digest);
    const state = await stack.agent.waitForState('degraded');
    expect(state.reason).toMatch(/configuration problem \(invalid signature\)/);
    expect(state.reason).toMatch(/last good configuration/);
    expect(logsMatching(stack.agent.lines, /Refused a configuration/).length).toBeGreaterThan(0);

    // A correctly signed, newer snapshot is taken again once the network is honest.
    await admin.clearFaults();
    const honest = await admin.publish({ jobs: { max_output_tokens: 800 } });
    await heartbeatWhere(
      'the node to apply the next honest snapshot',
      (h) => h.config_digest === honest.config_digest && h.config_status.state === 'ok',
    );
    await stack.agent.waitForState('active');
  }, 60_000);

  it('refuses a replayed older snapshot and keeps the newer one', async () => {
    const { admin } = stack;
    const current = (await admin.stats()).config;
    await heartbeatWhere(
      'the node on the current snapshot',
      (h) => h.config_digest === current.config_digest,
    );
    await admin.setFaults({ replay_old_snapshot: true });
    const hb = await heartbeatWhere(
      'the node to report the stale snapshot',
      (h) => h.config_status.state === 'stale',
    );
    expect(hb.config_digest).toBe(current.config_digest);
    const state = await stack.agent.waitForState('degraded');
    expect(state.reason).toMatch(/configuration problem \(stale\)/);
    // Applied digest unchanged a few heartbeats later: no flip-flop to the old one.
    await new Promise((r) => setTimeout(r, 2500));
    const later = await heartbeatWhere('another heartbeat', () => true);
    expect(later.config_digest).toBe(current.config_digest);
    await admin.clearFaults();
  }, 60_000);

  it('refuses validly signed snapshots that reuse a serial, contradict the network or escape the cache', async () => {
    const { admin } = stack;
    await admin.clearFaults();
    const current = (await admin.stats()).config;
    await heartbeatWhere(
      'the node on the current snapshot',
      (h) => h.config_digest === current.config_digest && h.config_status.state === 'ok',
    );
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ jobs: { max_output_tokens: 77 } }, 'stale', /already applied with other content/],
      [
        { serial: current.serial + 1, participation: { mode: 'mainnet' } },
        'invalid_schema',
        /contradicts network/,
      ],
      [
        {
          serial: current.serial + 1,
          models: [{ ...(await currentModel()), revision: '../../x' }],
        },
        'invalid_schema',
        /revision/,
      ],
    ];
    for (const [merge, state, detail] of cases) {
      await admin.setFaults({ tampered_snapshot: { merge } });
      const hb = await heartbeatWhere(
        `the node to refuse ${JSON.stringify(merge).slice(0, 60)}`,
        (h) => h.config_status.state === state && detail.test(h.config_status.detail ?? ''),
      );
      expect(hb.config_digest).toBe(current.config_digest);
      await admin.clearFaults();
      await heartbeatWhere(
        'the node back on the honest snapshot',
        (h) => h.config_status.state === 'ok',
      );
    }
  }, 90_000);

  it('fetches a flood of 150 config_changed digests a few times, not 150 times', async () => {
    const { admin } = stack;
    const before = (await admin.stats()).snapshot_requests;
    const honest = await admin.publish({ jobs: { max_output_tokens: 700 } });
    await admin.setFaults({ config_changed_flood: { count: 150 } });
    await heartbeatWhere(
      'the node on the newest snapshot',
      (h) => h.config_digest === honest.config_digest,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const fetched = (await admin.stats()).snapshot_requests - before;
    console.log(`config_changed flood: 150 made-up digests → ${fetched} snapshot requests`);
    expect(fetched).toBeLessThanOrEqual(5);
    expect(stack.agent.proc.alive).toBe(true);
  }, 60_000);
});

async function currentModel(): Promise<Record<string, unknown>> {
  type Listed = { snapshot: { serial: number; models: Record<string, unknown>[] } };
  const { snapshots } = await stack.admin.call<{ snapshots: Listed[] }>(
    'GET',
    '/v1/admin/snapshots',
  );
  const newest = snapshots.reduce((a, b) => (b.snapshot.serial > a.snapshot.serial ? b : a));
  return newest.snapshot.models[0]!;
}
