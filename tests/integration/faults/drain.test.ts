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

let stack: Stack;
let nodeId: string;

beforeAll(async () => {
  stack = await startFaultStack('drain');
  const { nodes } = await stack.admin.call<{ nodes: { node_id: string }[] }>(
    'GET',
    '/v1/admin/nodes',
  );
  nodeId = nodes[0]!.node_id;
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

const opens = () => logsMatching(stack.agent.lines, /^Job connection open/).length;

interface DrainView {
  drains: { reason: string; acked_at: number | null; in_flight: number | null }[];
}

describe("the network's drain", () => {
  it('pauses the node: jobs finish, drain_ack, a new session later; the process never exits', async () => {
    const before = opens();
    const { job_ids } = await stack.admin.submitJobs({ count: 6, max_tokens: 64 });
    await stack.admin.call('POST', `/v1/admin/nodes/${nodeId}/drain`, {
      reason: 'maintenance',
      deadline_ms: 10_000,
    });
    await stack.agent.waitForState('draining', 10_000);
    expect(stack.agent.state()?.reason).toMatch(/paused by the network: maintenance/);
    // The jobs in flight were finished, then acknowledged by drain_ack.
    await waitUntil(
      async () => {
        const v = await stack.admin.call<DrainView>('GET', `/v1/admin/nodes/${nodeId}`);
        return v.drains.some((d) => d.acked_at !== null);
      },
      'the drain_ack',
      15_000,
    );
    // A new session about retry_max_ms later, then serving again: never a stop.
    await stack.agent.waitForState('active', 15_000);
    expect(opens()).toBeGreaterThan(before);
    expect(stack.agent.proc.alive).toBe(true);
    expect(stack.agent.lines.some((l) => l.type === 'exit')).toBe(false);
    await waitAllClosed(stack.admin, 30_000);
    const views = await stack.admin.jobViews(job_ids);
    expect(views.map((v) => v.state)).toEqual(Array(6).fill('completed'));
    await stack.waitInRotation();
    await serveBatch(stack, 10);
  }, 90_000);

  it('acts on no control frame sent before session_ready', async () => {
    await stack.admin.setFaults({ control_before_auth: true });
    const before = opens();
    // A drain makes the node open a new session, which gets the unauthenticated frames.
    await stack.admin.call('POST', `/v1/admin/nodes/${nodeId}/drain`, { reason: 'reconnect' });
    await waitUntil(() => opens() > before, 'a new session', 20_000);
    await waitUntil(
      () =>
        logsMatching(stack.agent.lines, /^Ignored a drain frame sent before the session/).length >
        0,
      'the unauthenticated drain to be ignored',
      10_000,
    );
    const ignored = logsMatching(stack.agent.lines, /before the session was authenticated/);
    expect(ignored.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        'Ignored a node_status frame sent before the session was authenticated.',
        'Ignored a job_assign frame sent before the session was authenticated.',
      ]),
    );
    await stack.agent.waitForState('active', 15_000);
    // Only the one authenticated drain paused the node: the forged one did nothing.
    await sleep(FAST_TTL.retry_max_ms + 1000);
    expect(logsMatching(stack.agent.lines, /asked this node to pause \(reconnect\)/)).toHaveLength(
      1,
    );
    expect(logsMatching(stack.agent.lines, /unauthenticated drain/)).toHaveLength(0);
    expect(stack.agent.state()?.state).toBe('active');
    expect(stack.agent.proc.alive).toBe(true);
    await stack.admin.clearFaults();
    await stack.waitInRotation();
    await serveBatch(stack, 10);
  }, 90_000);
});
