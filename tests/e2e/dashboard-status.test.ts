// "Is my node earning, and if not, why?" in real headless Chromium against the REAL headless
// node (bundled CLI, in-process devnet, SIMULATED runtime): the Overview's headline and reason
// list follow the devnet taking the node out of the rotation and back, the totals and the 24 h
// timeline survive a restart of the node, and the throughput chart survives a page load.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability } from '../helpers/env.js';
import type { HeadlessNodeProcess } from './helpers/headless-node.js';
import { openRealNodeDashboard, type RealNodeDashboard } from './helpers/real-node-dashboard.js';
import { SCREENSHOT_DIR } from './helpers/screenshots.js';

const chromium = chromiumAvailability();
const SHOTS = path.join(SCREENSHOT_DIR, 'status');
const JOBS = 6;
const HELD = 'Not getting jobs because the network’s operator took this node out of the rotation';

const numberIn = (text: string | null) => Number(text?.split(' ')[0]?.replace(/,/g, '') ?? NaN);

describe.skipIf(!chromium.available)('Overview status against the real headless node', () => {
  let dashboard: RealNodeDashboard | undefined;
  let node: HeadlessNodeProcess | undefined;
  let page: Page;
  let problems: string[];
  let nodeId: string;

  const headline = () => page.getByTestId('serving-headline').textContent();
  const reason = (id: string) =>
    page.getByTestId('serving-reasons').locator(`li[data-reason="${id}"]`);
  const total = async (column: string, row: string) =>
    numberIn(await page.getByTestId(`totals-${column}-${row}`).textContent());

  beforeAll(async () => {
    dashboard = await openRealNodeDashboard({ dataDirPrefix: 'status-node-' });
    ({ node, page, problems } = dashboard);
    await mkdir(SHOTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await dashboard?.close();
  }, 30_000);

  it('says "Serving jobs" with every reason: registered, the test task’s rate, in rotation, owner', async () => {
    await page.goto(node!.dashboardUrl);
    await expect.poll(headline, { timeout: 45_000 }).toBe('Serving jobs');
    nodeId = String((await node!.waitForEvent((e) => e.type === 'started')).nodeId);
    await expect.poll(() => reason('registered').getAttribute('data-state')).toBe('ok');
    await expect.poll(() => reason('test').textContent()).toMatch(/Passed.*tok\/s/);
    // The rotation line is the network's own view, from a heartbeat answer.
    await expect
      .poll(() => reason('rotation').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('ok');
    await expect.poll(() => reason('owner').textContent()).toContain('Not bound');
    await expect.poll(() => page.getByTestId('gpu-vitals').count()).toBe(1);
  }, 70_000);

  it('counts served jobs in today’s totals (the test task not counted)', async () => {
    await node!.admin.submitJobs({ count: JOBS, max_tokens: 16 });
    await expect
      .poll(async () => numberIn(await page.getByTestId('jobs-done').textContent()), {
        timeout: 30_000,
      })
      .toBe(JOBS);
    await expect.poll(() => total('today', 'jobs'), { timeout: 10_000 }).toBe(JOBS);
    await expect.poll(() => total('lifetime', 'tokens')).toBeGreaterThan(0);
    await expect.poll(() => total('today', 'accepted'), { timeout: 10_000 }).toBe(JOBS);
    expect(await total('today', 'failures')).toBe(0);
  }, 45_000);

  it('changes the headline and the rotation reason when the devnet takes the node out, and back', async () => {
    await node!.admin.setRotation(nodeId, {
      in_rotation: false,
      reason: 'held out by the e2e test',
      duration_ms: 600_000,
    });
    // The node hears it in its next heartbeat answer (every 10 s on the devnet).
    await expect.poll(headline, { timeout: 25_000 }).toBe(HELD);
    // The title never says "serving jobs" above a headline that says it gets none.
    expect(await page.getByTestId('node-state').textContent()).toBe('Active — not getting jobs');
    const row = reason('rotation');
    expect(await row.getAttribute('data-state')).toBe('bad');
    expect(await row.textContent()).toMatch(/jobs come back when the hold ends/);
    expect(await page.getByTestId('reason-until-rotation').textContent()).toMatch(
      /^Until \d\d:\d\d:\d\d$/,
    );
    // The network's raw words sit behind "Details".
    await row.getByText('Details').click();
    await expect.poll(() => row.getByText('held out by the e2e test').isVisible()).toBe(true);
    await expect
      .poll(() => page.locator('.timeline-seg[data-phase="not_serving"]').count())
      .toBeGreaterThan(0);
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
    await page.screenshot({
      path: path.join(SHOTS, 'overview-out-of-rotation.png'),
      fullPage: true,
    });

    await node!.admin.setRotation(nodeId, { in_rotation: true });
    await expect.poll(headline, { timeout: 25_000 }).toBe('Serving jobs');
    await page.screenshot({ path: path.join(SHOTS, 'overview-serving.png'), fullPage: true });
  }, 70_000);

  it('keeps the throughput chart across a page load', async () => {
    await page.reload();
    await expect.poll(headline, { timeout: 15_000 }).toBe('Serving jobs');
    // The chart draws main's history at once instead of "Collecting data…".
    expect(await page.getByText('Collecting data…').count()).toBe(0);
    expect(await page.locator('.chart-line').count()).toBeGreaterThan(0);
  }, 30_000);

  it('keeps totals and the timeline across a restart of the node', async () => {
    const segmentsBefore = await page.locator('.timeline-seg').count();
    expect(await node!.stop(15_000)).toMatchObject({ code: 0 });
    node = await dashboard!.startNode();
    await page.goto(node.dashboardUrl);
    await page.getByTestId('totals').waitFor({ timeout: 20_000 });
    expect(await total('lifetime', 'jobs')).toBe(JOBS);
    expect(await total('today', 'jobs')).toBe(JOBS);
    expect(await total('lifetime', 'uptimeMs')).not.toBeNaN();
    await expect
      .poll(() => page.locator('.timeline-seg').count(), { timeout: 20_000 })
      .toBeGreaterThan(segmentsBefore);
    await expect.poll(headline, { timeout: 45_000 }).toBe('Serving jobs');
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await page.screenshot({
      path: path.join(SHOTS, 'overview-after-restart-dark.png'),
      fullPage: true,
    });
    expect(problems.filter((p) => !/ERR_CONNECTION_REFUSED|WebSocket/.test(p))).toEqual([]);
  }, 90_000);
});
