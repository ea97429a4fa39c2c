// Issue 11 item 4: the headless dashboard's Stop drains and pauses the node (session and process
// stay), Start resumes, and ending the process is a separate, confirmed command. Composed as
// `npm start` composes it (runHeadless), against the in-process devnet and simulated runtime.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessConfig } from '../../../src-main/headless/options.js';
import type { HeadlessNode } from '../../../src-main/headless/run-headless.js';
import { waitFor } from '../agent/node-on-devnet.js';
import { bridgeClient, runHeadlessWithDashboard } from './headless-bridge.js';

let root: string;
let node: HeadlessNode;
let dash: { port: number; token: string };
let admin: { url: string; token: string };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'headless-pause-'));
  const started = await runHeadlessWithDashboard(
    HeadlessConfig.parse({ dataDir: join(root, 'data') }),
  );
  ({ node, dash } = started);
  admin = started.admin!;
}, 60_000);

afterAll(async () => {
  await node?.stop('test over');
  await rm(root, { recursive: true, force: true });
});

async function networkView(): Promise<{
  in_rotation: boolean;
  operator_pause: { reason: string } | null;
  availability: { state: string };
}> {
  const id = node.node.agent.nodeId;
  const res = await fetch(`${admin.url}/v1/admin/nodes/${id}`, {
    headers: { authorization: `Bearer ${admin.token}` },
  });
  return res.json() as never;
}

describe('headless Stop = pause', () => {
  it('Stop drains and pauses (process and session stay), Start resumes, End process needs a confirmation', async () => {
    const agent = node.node.agent;
    await waitFor(() => agent.state().name === 'active', 'active', 45_000);
    const c = await bridgeClient(dash);

    const stopped = (await c.call('stop')) as { result: { pause: { requests: unknown[] } } };
    expect(stopped.result.pause.requests).toMatchObject([
      { source: 'manual', reason: 'paused by you', resumes: 'until you resume', until: null },
    ]);
    await waitFor(() => agent.operatorPause.report().phase === 'paused', 'paused', 20_000);
    expect(agent.state()).toMatchObject({
      name: 'draining',
      reason: 'Paused — paused by you, until you resume',
    });
    expect(node.service.currentState().serving?.headline).toBe(
      'Not getting jobs because this node is paused on this computer: paused by you, until you resume',
    );
    // The 24 h timeline holds the pause as its own stretch, with its cause.
    const snap = (await c.call('getSnapshot')) as {
      result: { timeline?: { phase: string; text: string }[] };
    };
    expect(snap.result.timeline?.at(-1)).toMatchObject({
      phase: 'paused',
      text: 'Not getting jobs because this node is paused on this computer: paused by you, until you resume',
    });
    let seen = await networkView();
    for (let i = 0; i < 100 && !seen.operator_pause; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await networkView();
    }
    expect(seen).toMatchObject({
      in_rotation: false,
      operator_pause: { reason: 'paused by you' },
      availability: { state: 'operator_paused' },
    });

    // Start resumes the same run: no new process, no new registration.
    await c.call('start');
    await waitFor(() => agent.state().name === 'active', 'active again', 30_000);
    expect(node.node.agent).toBe(agent);

    // Ending the process is separate and confirmed.
    const refused = (await c.call('endProcess', {})) as { error?: { message: string } };
    expect(refused.error?.message).toMatch(/confirm: true/);
    expect(agent.state().name).toBe('active');
    const ended = (await c.call('endProcess', { confirm: true })) as { result: unknown };
    expect(ended.result).toEqual({ ending: true });
    await waitFor(() => agent.state().name === 'stopped', 'the node to end', 30_000);
    expect(agent.state().reason).toBe('ended from the dashboard');
    c.ws.close();
  }, 120_000);
});
