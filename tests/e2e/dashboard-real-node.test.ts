import { stat } from 'node:fs/promises';
// The dashboard in real headless Chromium against the REAL headless node: the bundled CLI as a
// child process on the local profile (in-process devnet + SIMULATED runtime), its printed
// dashboard link opened as an operator would, jobs submitted through the devnet's admin API,
// every page in both themes, Stop from the dashboard, and the budgets measured on the real node.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability } from '../helpers/env.js';
import { printBudgets } from './helpers/browser.js';
import { pageCpuPercent, paintTimings } from './helpers/budgets.js';
import type { HeadlessNodeProcess } from './helpers/headless-node.js';
import { openRealNodeDashboard, type RealNodeDashboard } from './helpers/real-node-dashboard.js';
import { SCREENSHOT_DIR, screenshotEveryPage } from './helpers/screenshots.js';

const chromium = chromiumAvailability();
const SHOTS = path.join(SCREENSHOT_DIR, 'real-node');
const JOBS = 12;

const numberIn = (text: string | null) => Number(text?.split(' ')[0]?.replace(/,/g, '') ?? NaN);

describe.skipIf(!chromium.available)('dashboard in Chromium (real headless node)', () => {
  let dashboard: RealNodeDashboard | undefined;
  let node: HeadlessNodeProcess;
  let page: Page;
  let problems: string[];
  const budgets: Record<string, string> = {};

  beforeAll(async () => {
    dashboard = await openRealNodeDashboard({ dataDirPrefix: 'real-node-' });
    ({ node, page, problems } = dashboard);
  }, 90_000);

  afterAll(async () => {
    printBudgets('real headless node', budgets);
    await dashboard?.close();
  }, 30_000);

  it('opens the link from its 0600 file, drops the token from the URL and shows the node becoming active', async () => {
    expect(node.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
    // stdout is a pipe here (as under systemd): the token is not printed, the file is named.
    expect(node.printedUrl).toBe(node.dashboardUrl.replace(/#token=.*$/, ''));
    expect(node.events.map((e) => JSON.stringify(e)).join('\n')).not.toContain(
      node.dashboardUrl.split('#token=')[1]!,
    );
    expect((await stat(node.linkFile)).mode & 0o777).toBe(0o600);
    await page.goto(node.dashboardUrl);
    await page.getByTestId('node-state').waitFor();
    const paint = await paintTimings(page);
    budgets['first contentful paint'] =
      `${paint.firstContentfulPaint?.toFixed(0)} ms (first paint ${paint.firstPaint?.toFixed(0)} ms)`;
    expect(paint.firstContentfulPaint).not.toBeNull();
    expect(paint.firstContentfulPaint!).toBeLessThan(5000);
    expect(page.url()).not.toContain('token');

    // The CLI starts the node itself: registration and the test task, then active.
    await expect
      .poll(() => page.getByTestId('node-state').textContent(), { timeout: 45_000 })
      .toBe('Active — serving jobs');
    // Headless: the big button pauses (the process stays); ending it is "End process…".
    await expect.poll(() => page.getByTestId('power-button').textContent()).toBe('Pause node');
    await expect.poll(() => page.getByText('SIMULATED runtime').count()).toBe(1);
    await expect.poll(() => page.getByText('Local devnet').count()).toBeGreaterThan(0);
    const started = await node.waitForEvent((e) => e.type === 'started');
    await expect.poll(() => page.getByText(String(started.nodeId)).count()).toBeGreaterThan(0);
  }, 60_000);

  it('shows jobs submitted through the devnet admin API, and new log lines as they come', async () => {
    const submitted = await node.admin.submitJobs({ count: JOBS, max_tokens: 24 });
    expect(submitted.count).toBe(JOBS);
    await expect
      .poll(async () => numberIn(await page.getByTestId('jobs-done').textContent()), {
        timeout: 30_000,
      })
      .toBe(JOBS);
    await expect.poll(() => page.getByTestId('throughput').textContent()).toMatch(/\d+ tok\/s/);

    await page.getByRole('link', { name: 'Jobs' }).click();
    const rows = page.getByTestId('job-row');
    // The network's test task is listed too, marked "test"; the counters leave it out.
    const served = async () => (await rows.allTextContents()).filter((t) => !t.includes('test-'));
    // "Jobs done" counts a job when this node finished it; the network records the result when
    // it arrives and acknowledges it once saved, and only then is the job "Delivered". The
    // network's count is compared after every acknowledgement, not at the moment the node
    // finished (that raced the results still on their way).
    const delivered = async () =>
      (await served()).filter((t) => /sim-chat-1b.*tok\/s.*Delivered.*network accepted/.test(t));
    await expect.poll(async () => (await served()).length, { timeout: 10_000 }).toBe(JOBS);
    await expect.poll(async () => (await delivered()).length, { timeout: 10_000 }).toBe(JOBS);
    const network = await node.admin.stats();
    expect(network.jobs_completed).toBe(JOBS);
    expect(network.results_accepted).toBe(JOBS);

    // A job writes no log line; a new configuration does, on both sides of the wire: the
    // devnet logs the publication, the node logs applying it after its next heartbeat.
    await page.getByRole('link', { name: 'Logs' }).click();
    const logCount = async () => numberIn(await page.getByTestId('log-count').textContent());
    const before = await logCount();
    const published = await node.admin.publish({ jobs: { max_queue_size: 48 } });
    const row = (text: string) => page.locator('.log-row', { hasText: text });
    await expect.poll(() => row('snapshot published').count()).toBe(1);
    await expect
      .poll(() => row(`Applied configuration serial ${published.serial}`).count(), {
        timeout: 25_000,
      })
      .toBe(1);
    expect(await logCount()).toBeGreaterThan(before + 1);
  }, 90_000);

  it('shows the lines logged before the dashboard, readable job IDs, the GPU finding, setup results and headless settings', async () => {
    const nav = (name: string) =>
      page
        .getByRole('navigation', { name: 'Dashboard pages' })
        .getByRole('link', { name, exact: true });
    // Logged by the CLI before its dashboard existed (the log hub's backlog).
    await nav('Logs').click();
    const row = (text: string) => page.locator('.log-row', { hasText: text });
    await expect.poll(() => row('Created node key').count()).toBe(1);
    await expect.poll(() => row('Using the SIMULATED runtime').count()).toBe(1);

    // The test task's ID is short enough to show whole; the full ID is always the tooltip.
    await nav('Jobs').click();
    const ids = page.getByTestId('job-id');
    await expect.poll(() => ids.count()).toBeGreaterThan(JOBS);
    for (const id of await ids.all()) {
      expect(await id.textContent()).toBe(await id.getAttribute('title'));
    }

    // A finding about this machine (its GPUs, or why there is none), never "no data" while
    // the node runs; and the simulated runtime said plainly.
    await nav('GPU').click();
    await expect.poll(() => page.getByTestId('gpu-simulated').count()).toBe(1);
    await expect
      .poll(
        async () =>
          (await page.locator('.gpu-card').count()) +
          (await page.getByText('No usable NVIDIA GPU found').count()),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    expect(await page.getByText('No GPU information').count()).toBe(0);

    // Opening Setup check runs the checks once, without a click.
    await nav('Setup check').click();
    await expect
      .poll(() => page.locator('[data-testid^="check-"]').count(), { timeout: 30_000 })
      .toBeGreaterThan(3);
    await expect.poll(() => page.getByTestId('run-checks').textContent()).toBe('Run checks again');

    // No desktop-only switches (the only ones are the pause triggers a headless node runs); the
    // network is the one the command line chose.
    await nav('Settings').click();
    await page.getByTestId('network-fixed').waitFor();
    const switches = await page
      .getByRole('switch')
      .evaluateAll((els) =>
        els.map((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? ''),
      );
    expect(switches).toEqual([
      expect.stringContaining('Another program uses the GPU'),
      expect.stringContaining('On a schedule'),
      expect.stringContaining('The GPU gets too hot'),
      expect.stringContaining('The GPU draws too much power'),
    ]);
    expect(await page.locator('select#network').count()).toBe(0);
    expect(await page.getByTestId('desktop-only-note').count()).toBe(1);
  }, 60_000);

  it('saves a screenshot of every page in light and dark while the node is active', async () => {
    const saved = await screenshotEveryPage(page, 'real-node', SHOTS);
    expect(saved).toHaveLength(14);
  }, 90_000);

  it('measures page CPU while idle on Overview with the node active', async () => {
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    await page.getByRole('link', { name: 'Overview' }).click();
    await expect
      .poll(() => page.getByTestId('node-state').textContent())
      .toBe('Active — serving jobs');
    const cpu = await pageCpuPercent(page, 10_000);
    budgets['page CPU while idle, node active (Overview)'] =
      `${cpu.toFixed(1)}% of one core over 10 s`;
    expect(cpu).toBeLessThan(50);
  }, 30_000);

  it('pauses and resumes from the dashboard, then ends the process (confirmed); the CLI exits 0', async () => {
    // Stop on a headless node = pause: the runtime stops, the process and session stay.
    await page.getByTestId('power-button').click();
    await expect
      .poll(() => page.getByTestId('node-state').textContent(), { timeout: 30_000 })
      .toBe('Paused');
    await expect
      .poll(() => page.getByTestId('pause-card').getAttribute('data-phase'))
      .toBe('paused');
    await expect
      .poll(() => page.getByText(/Runtime stopped .* s after the pause began/).count())
      .toBe(1);
    await page.getByTestId('power-button').click(); // "Resume node"
    await expect
      .poll(() => page.getByTestId('node-state').textContent(), { timeout: 30_000 })
      .toBe('Active — serving jobs');
    await page.getByRole('button', { name: 'End process…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'End process' }).click();
    await expect
      .poll(() => page.getByTestId('node-state').textContent(), { timeout: 30_000 })
      .toBe('Stopped');
    await expect.poll(() => page.getByText('Ended from the dashboard').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);

    // The CLI exits once its node has stopped (as after SIGTERM).
    expect(await node.proc.exited).toEqual({ code: 0, signal: null });
    expect(await node.waitForEvent((e) => e.type === 'exit')).toMatchObject({
      code: 0,
      reason: 'ended from the dashboard',
    });
    // The page says the service is gone and keeps retrying; the browser logs each refused
    // reconnect as a console error, the only errors allowed once the process is gone.
    await expect
      .poll(() => page.getByText("Can't reach the node service").count(), { timeout: 10_000 })
      .toBe(1);
    const port = new URL(node.dashboardUrl).port;
    const refused = new RegExp(
      `^console\\.error: WebSocket connection to 'ws://127\\.0\\.0\\.1:${port}/bridge' failed: .*ERR_CONNECTION_REFUSED$`,
    );
    expect(problems.filter((p) => !refused.test(p))).toEqual([]);
  }, 45_000);
});
