// Issue 17: the schedule trigger through the production composition (runHeadless, as `npm start`
// composes it) on the in-process devnet and simulated runtime. The dashboard sets a window that
// contains "now"; the node pauses, the network sees it paused and sends nothing, and at the
// window's end the node resumes by itself and serves the queued jobs. The node's clock runs a
// few seconds ahead of the real one (well inside the protocol's 60 s skew) so that the window
// ends soon after it is set: schedule windows are whole minutes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PauseTriggersDto } from '../../../src-main/contract/index.js';
import { systemClock, type Clock } from '../../../src-main/core/clock.js';
import { HeadlessConfig } from '../../../src-main/headless/options.js';
import type { HeadlessNode } from '../../../src-main/headless/run-headless.js';
import {
  bridgeClient,
  runHeadlessWithDashboard,
  type DashboardLink,
} from '../dashboard-server/headless-bridge.js';
import { networkOfNode } from './network-view.js';
import { waitFor } from './node-on-devnet.js';

let root: string;
let node: HeadlessNode;
let dash: DashboardLink;
let admin: { url: string; token: string };
let offsetMs = 0;
const clock: Clock = { ...systemClock, now: () => Date.now() + offsetMs };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'schedule-pause-'));
  const started = await runHeadlessWithDashboard(
    HeadlessConfig.parse({ dataDir: join(root, 'data') }),
    undefined,
    clock,
  );
  ({ node, dash } = started);
  admin = started.admin!;
}, 60_000);

afterAll(async () => {
  await node?.stop('test over');
  await rm(root, { recursive: true, force: true });
});

interface NetworkView {
  in_rotation: boolean;
  operator_pause: { reason: string; sources: string[] } | null;
  availability: { state: string };
  in_flight: number;
}
const network = networkOfNode<NetworkView>(
  () => admin,
  () => node.node.agent.nodeId,
);

const hhmm = (at: number) => {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/** How long the window runs after it is set (real seconds): time to see the pause. */
const WINDOW_LEFT_MS = 35_000;

describe('the schedule pauses a headless node', () => {
  it('inside a window: paused, the network sees it paused and sends nothing; at its end: resumed, queued jobs served', async () => {
    const agent = node.node.agent;
    await waitFor(() => agent.state().name === 'active', 'active', 45_000);
    await network.until('in rotation', (v) => v.in_rotation);

    // Put the node's clock WINDOW_LEFT_MS before a minute boundary (at most 35 s ahead).
    let left = 60_000 - (clock.now() % 60_000);
    if (left < WINDOW_LEFT_MS) {
      await sleep(left + 50);
      left = 60_000 - (clock.now() % 60_000);
    }
    offsetMs += left - WINDOW_LEFT_MS;
    const now = clock.now();
    const end = now + WINDOW_LEFT_MS;
    const window = { days: [new Date(now).getDay()], from: hhmm(now), to: hhmm(end) };
    const c = await bridgeClient(dash);
    const pauseWhen: PauseTriggersDto = {
      ...node.service.currentSettings().pauseWhen,
      schedule: { enabled: true, windows: [window] },
    };
    const saved = await c.call('updateSettings', { pauseWhen });
    expect(saved.error).toBeUndefined();

    await waitFor(() => agent.operatorPause.report().phase === 'paused', 'paused', 20_000);
    expect(node.kit.pauses.dto()).toMatchObject({
      headline: `Paused — your schedule keeps the GPU for you now, resumes at ${window.to}`,
      requests: [{ source: 'schedule', until: new Date(end).setSeconds(0, 0) }],
    });
    const paused = await network.until('the pause', (v) => v.operator_pause !== null);
    expect(paused).toMatchObject({
      in_rotation: false,
      operator_pause: { reason: 'your schedule keeps the GPU for you now', sources: ['schedule'] },
      availability: { state: 'operator_paused' },
    });
    const done = agent.counters().completed_total;
    await network.submit(2);
    await sleep(2_000);
    expect((await network.view()).in_flight).toBe(0);
    expect(agent.counters().completed_total).toBe(done);
    expect(clock.now()).toBeLessThan(end); // all of this inside the window

    // The window ends: the node resumes by itself and takes the queued jobs.
    await waitFor(() => agent.operatorPause.report().phase === 'serving', 'resumed', 60_000);
    expect(clock.now()).toBeGreaterThanOrEqual(new Date(end).setSeconds(0, 0));
    await network.until('back in rotation', (v) => v.in_rotation && v.operator_pause === null);
    await waitFor(
      () => agent.counters().completed_total >= done + 2,
      'the queued jobs served',
      30_000,
    );
    c.ws.close();
  }, 180_000);
});
