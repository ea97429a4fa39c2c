// Issue 12 item 7 through the headless composition (`npm start`: runHeadless, node kit, UI
// service) on the in-process devnet: the network names a newer agent version and a new runtime
// image digest; the dashboard's state says "update available" with how a headless node gets it,
// and the runtime image change in plain words.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessConfig } from '../../../src-main/headless/options.js';
import type { HeadlessNode } from '../../../src-main/headless/run-headless.js';
import { waitFor } from '../agent/node-on-devnet.js';
import { runHeadlessWithDashboard } from './headless-bridge.js';

let root: string;
let node: HeadlessNode;
let admin: { url: string; token: string };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'headless-updates-'));
  const started = await runHeadlessWithDashboard(
    HeadlessConfig.parse({ dataDir: join(root, 'data') }),
  );
  node = started.node;
  admin = started.admin!;
}, 60_000);

afterAll(async () => {
  await node?.stop('test over');
  await rm(root, { recursive: true, force: true });
});

describe('updates named by the network, on the headless dashboard', () => {
  it('shows "update available" with how to update by hand, and the runtime image switched', async () => {
    await waitFor(() => node.node.agent.state().name === 'active', 'active', 45_000);
    expect(node.service.currentState().updates?.agent).toMatchObject({ available: null });
    const current = `sha256:${'0'.repeat(64)}`;
    const next = `sha256:${'7'.repeat(64)}`;
    const image = (id: string, digest: string) => ({
      id,
      repository: 'vllm/vllm-openai',
      tag: id,
      digest,
    });
    const res = await fetch(`${admin.url}/v1/admin/snapshot`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        merge: {
          runtime: { images: [image('v1', current), image('v2', next)] },
          updates: { agent: { version: '99.0.0' }, runtime: { image_digest: next } },
        },
      }),
    });
    expect(res.status).toBe(200);
    await waitFor(
      () => node.service.currentState().updates?.runtime?.state === 'done',
      'the runtime update done on the dashboard',
      30_000,
    );
    const updates = node.service.currentState().updates!;
    expect(updates.agent.available).toBe('99.0.0');
    expect(updates.agent.howTo).toMatch(/This node does not update itself: install 99\.0\.0/);
    expect(updates.runtime).toMatchObject({
      digest: next,
      text: 'The runtime serves the image the network asked for.',
    });
  }, 90_000);
});
