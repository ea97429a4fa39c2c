import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../helpers/processes.js';
import type { Stack } from '../../bench/stack/stack.js';
import { FAST_TTL, logsMatching, serveBatch, startFaultStack } from './fault-stack.js';

// The network's clock 10 minutes off, inside a window wide enough that it accepts the node's
// signatures: only the job times (assigned_at, deadline_at) are on a shifted clock.
const OFFSET_MS = 600_000;

let stack: Stack;
let nodeId: string;

beforeAll(async () => {
  stack = await startFaultStack('netclock');
  await stack.admin.publish({ ttl: { ...FAST_TTL, clock_skew_ms: 900_000 } });
  const { nodes } = await stack.admin.call<{ nodes: { node_id: string }[] }>(
    'GET',
    '/v1/admin/nodes',
  );
  nodeId = nodes[0]!.node_id;
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

describe('a network clock minutes away from the node’s', () => {
  for (const [direction, skew] of [
    ['behind', -OFFSET_MS],
    ['ahead of', OFFSET_MS],
  ] as const) {
    it(`passes the test task and serves jobs with the network 10 minutes ${direction}, and warns`, async () => {
      const warned = () =>
        logsMatching(stack.agent.lines, new RegExp(`network's clock is 600 s ${direction}`));
      const before = warned().length;
      await stack.admin.setFaults({ clock_skew: { ms: skew } });
      await waitUntil(() => warned().length > before, `a clock warning (${direction})`, 15_000);

      // A fresh test task on the shifted clock: passed, not refused as deadline_passed.
      await stack.admin.call('POST', `/v1/admin/nodes/${nodeId}/status`, {
        status: 'pending_test',
        reason: 'retest on a shifted clock',
      });
      await waitUntil(
        async () => (await stack.admin.node(nodeId)).status === 'active',
        'the node active again after its test task',
        20_000,
      );
      await stack.agent.waitForState('active', 15_000);
      await stack.waitInRotation();
      await serveBatch(stack, 10);
      const rejected = stack.agent.lines.filter(
        (l) => l.type === 'job' && l.kind === 'rejected' && /deadline/.test(String(l.detail)),
      );
      expect(rejected).toHaveLength(0);
      await stack.admin.clearFaults();
    }, 90_000);
  }
});
