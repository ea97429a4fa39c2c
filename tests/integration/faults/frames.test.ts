import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitUntil } from '../../helpers/processes.js';
import type { Stack } from '../../bench/stack/stack.js';
import { logsMatching, serveBatch, startFaultStack } from './fault-stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startFaultStack('frames');
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

describe('hostile frames from the network', () => {
  it('drops malformed frames, stays connected and keeps serving', async () => {
    const opensBefore = logsMatching(stack.agent.lines, /^Job connection open/).length;
    await stack.admin.setFaults({ malformed_frames: true });
    await waitUntil(
      () => logsMatching(stack.agent.lines, /^Dropped a bad frame/).length >= 3,
      'the node to drop the malformed frames',
      15_000,
    );
    await serveBatch(stack, 20);
    expect(stack.agent.proc.alive).toBe(true);
    // The same session carried on: no reconnect was needed.
    expect(logsMatching(stack.agent.lines, /^Job connection open/).length).toBe(opensBefore);
    expect(stack.agent.state()?.state).toBe('active');
    await stack.admin.clearFaults();
  }, 60_000);

  it('refuses an oversized frame, reconnects, and serves once the network behaves', async () => {
    await stack.admin.setFaults({ oversized_frames: true });
    await waitUntil(
      () => logsMatching(stack.agent.lines, /larger than 1 MiB/).length >= 1,
      'the node to refuse the oversized frame',
      15_000,
    );
    await stack.admin.clearFaults();
    const opens = logsMatching(stack.agent.lines, /^Job connection open/).length;
    await waitUntil(
      () => logsMatching(stack.agent.lines, /^Job connection open/).length > opens,
      'the node to reconnect',
      15_000,
    );
    await sleep(500);
    expect(stack.agent.proc.alive).toBe(true);
    await stack.waitInRotation();
    await serveBatch(stack, 20);
    const s = await stack.admin.stats();
    expect(s.jobs_failed).toBe(0);
  }, 60_000);
});
