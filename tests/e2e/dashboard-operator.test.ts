// What an operator does with the dashboard of the REAL headless node (the bundled CLI on the
// local profile on a free --dashboard-port, restarted without the flag): the Jobs page's filters,
// totals and sticky heading; a log line opened whole and copied; the logs folder with its files,
// and a line only in a rotated log file found by the Logs search; every page at 800×600 and
// 1280×800 in light and dark (screenshots); and the link surviving a restart (same URL, and
// `resultity-node link` prints it). Then 100,000 jobs in the Jobs page (the real dashboard server
// over a scripted node: a real node cannot serve 100,000 jobs within a test), scrolled while frame
// times are measured.
import { execFile } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import type { JobDto } from '../../src-main/contract/index.js';
import type { DashboardServer } from '../../src-main/headless/dashboard-server.js';
import { startDevnet, type Devnet } from '../../src-main/devnet/io/devnet.js';
import { DEVNET_MODEL } from '../../src-main/devnet/io/default-snapshot.js';
import { startSimRuntime, type SimRuntime } from '../../src-main/devnet/sim-runtime/server.js';
import { chromiumAvailability } from '../helpers/env.js';
import { startProcess, type ManagedProcess } from '../helpers/processes.js';
import { openDashboardBrowser, printBudgets } from './helpers/browser.js';
import { scrollSmoothness } from './helpers/budgets.js';
import { openFakeNodeDashboard, type FakeNodeDashboard } from './helpers/fake-node-dashboard.js';
import type { HeadlessNodeProcess } from './helpers/headless-node.js';
import {
  openRealNodeDashboard,
  prepareHeadlessNodeFiles,
  type HeadlessNodeFiles,
  type RealNodeDashboard,
} from './helpers/real-node-dashboard.js';
import { PAGES, SCREENSHOT_DIR } from './helpers/screenshots.js';

const chromium = chromiumAvailability();
const SHOTS = path.join(SCREENSHOT_DIR, 'operator');
const JOBS = 30;
const run = promisify(execFile);

const nav = (page: Page, name: string) =>
  page
    .getByRole('navigation', { name: 'Dashboard pages' })
    // "Setup check" carries the number of failing checks in its name.
    .getByRole('link', { name: new RegExp(`^${name}`) })
    .click();

describe.skipIf(!chromium.available)('operator dashboard (real headless node)', () => {
  let dashboard: RealNodeDashboard | undefined;
  let node: HeadlessNodeProcess;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    // A free port of its own: other suites' nodes run in parallel on the default port (28780),
    // and a restart must find its saved port free. The restart passes no port, so the node
    // reuses the one its link file saved.
    dashboard = await openRealNodeDashboard({
      dataDirPrefix: 'operator-',
      dashboardPort: await freePort(),
    });
    ({ node, page, problems } = dashboard);
    await dashboard.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(node.dashboardUrl).origin,
    });
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
  }, 30_000);

  it('Jobs: totals, filters by outcome and model, readable IDs, a heading that stays while rows scroll', async () => {
    await page.goto(node.dashboardUrl);
    await expect
      .poll(() => page.getByTestId('node-state').textContent(), { timeout: 45_000 })
      .toBe('Active — serving jobs');
    await node.admin.submitJobs({ count: JOBS, max_tokens: 16 });
    await nav(page, 'Jobs');
    const totals = page.getByTestId('job-totals');
    // The network's test task is a job too: JOBS + 1 once every result is delivered.
    await expect
      .poll(() => totals.textContent(), { timeout: 30_000 })
      .toMatch(
        new RegExp(`^${JOBS + 1} jobs · [\\d,]+ tokens · ${JOBS + 1} delivered · 0 failed$`),
      );

    await page.getByTestId('job-outcome').selectOption('failed');
    await expect.poll(() => totals.textContent()).toMatch(/^0 jobs \(of 31\)/);
    await expect.poll(() => page.getByText('No job matches').count()).toBe(1);
    await page.getByTestId('job-outcome').selectOption('delivered');
    await page.getByTestId('job-model').selectOption('sim-chat-1b');
    await expect.poll(() => totals.textContent()).toMatch(/^31 jobs \(of 31\)/);
    await page.getByTestId('job-outcome').selectOption('all');
    await page.getByTestId('job-model').selectOption('');

    for (const id of await page.getByTestId('job-id').all()) {
      const full = await id.getAttribute('title');
      const shown = (await id.textContent())!;
      expect(shown.length).toBeLessThanOrEqual(24);
      if (shown !== full) expect(shown).toMatch(/^.+….+$/);
    }

    await page.setViewportSize({ width: 800, height: 600 });
    const table = page.getByTestId('jobs-table');
    const heading = table.locator('.jobs-head');
    const before = await heading.boundingBox();
    await table.evaluate((el) => (el.scrollTop = 400));
    await expect.poll(() => table.evaluate((el) => el.scrollTop)).toBeGreaterThan(300);
    expect((await heading.boundingBox())?.y).toBeCloseTo(before!.y, 0);
    // 800 px wide: duration and speed drop, nothing overflows the window sideways.
    expect(await heading.getByText('Speed').isVisible()).toBe(false);
    expect(await heading.getByText('Outcome').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      800,
    );
    await page.setViewportSize({ width: 1280, height: 860 });
  }, 90_000);

  it('Logs: a line opens whole (wrapped) and copies; the logs folder holds the readable node.log, and the search finds a line only in a rotated log file', async () => {
    await nav(page, 'Logs');
    const row = page.locator('.log-row', { hasText: 'Using the SIMULATED runtime' });
    await row.click();
    const detail = page.getByTestId('log-detail-text');
    await expect
      .poll(() => detail.textContent())
      .toBe(
        'Using the SIMULATED runtime: jobs get made-up text, not real inference. It runs only on the local network.',
      );
    expect(await detail.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
    await page.getByRole('button', { name: 'Copy this line' }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN {2}\[agent\] Using the SIMULATED runtime/);
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    expect(await page.getByTestId('log-detail').count()).toBe(0);

    await page.getByRole('button', { name: 'Logs folder' }).click();
    const folder = (await page
      .locator('p', { hasText: 'Log files are in' })
      .locator('code')
      .textContent())!;
    const files = await readdir(folder);
    expect(files).toContain('node.log');
    expect((await stat(path.join(folder, 'node.log'))).size).toBeGreaterThan(0);

    // A line only in a rotated log file (older than anything the page holds) is found by the
    // page's search, through the node's searchLogs command; the live list has no such line.
    const old = '2026-01-01T00:00:00.000Z ERROR [agent] Old failure (code 7) [x]';
    await writeFile(path.join(folder, 'node.log.1'), `${old}\n`);
    await page.getByTestId('log-search').fill('failure (code 7) [');
    await expect.poll(() => page.getByTestId('log-count').textContent()).toMatch(/^0 lines match/);
    const older = page.getByTestId('log-files');
    await expect
      .poll(() => older.locator('.log-files-line code').allTextContents(), { timeout: 10_000 })
      .toEqual([old]);
    expect(await older.textContent()).toContain('node.log.1');
    await page.getByTestId('log-search').fill('');
    await expect.poll(() => page.getByTestId('log-files').count()).toBe(0);
  }, 30_000);

  it('every page at 800×600 and 1280×800, light and dark: the sidebar becomes icons, nothing overflows sideways', async () => {
    const saved: string[] = [];
    for (const [width, height] of [
      [800, 600],
      [1280, 800],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
        for (const p of PAGES) {
          await nav(page, p.heading);
          await page.getByRole('heading', { level: 1, name: p.heading, exact: true }).waitFor();
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
          expect(overflow, `${p.id} at ${width}×${height}`).toBeLessThanOrEqual(width);
          const file = path.join(SHOTS, `${width}x${height}-${p.id}-${scheme}.png`);
          await page.screenshot({ path: file, fullPage: true });
          saved.push(file);
        }
      }
      const label = page.locator('.nav-link', { hasText: 'Overview' }).locator('span').first();
      const labelWidth = (await label.boundingBox())?.width ?? 0;
      if (width === 800) expect(labelWidth).toBeLessThanOrEqual(1);
      else expect(labelWidth).toBeGreaterThan(20);
    }
    expect(saved).toHaveLength(PAGES.length * 4);
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  }, 120_000);

  it('keeps its link across a restart: same URL, still authenticated, and `resultity-node link` prints it', async () => {
    const link = node.dashboardUrl;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
    await nav(page, 'Overview');
    expect(await node.stop(15_000)).toEqual({ code: 0, signal: null });
    const { bundle, dataDir } = dashboard!;
    const printed = await run(process.execPath, [bundle, 'link', '--data-dir', dataDir]);
    expect(printed.stdout).toBe(`${link}\n`);
    expect(printed.stderr).toMatch(
      /^(The node is not running now: the link works again once it runs\.\n)?$/,
    );

    node = await dashboard!.startNode({ dashboardPort: null });
    expect(node.dashboardUrl).toBe(link);
    const again = await run(process.execPath, [bundle, '--print-link', '--data-dir', dataDir]);
    expect(again).toEqual({ stdout: `${link}\n`, stderr: '' });
    // The old tab reconnects by itself; a fresh visit of the bookmarked link works too.
    await page.goto(link);
    await expect
      .poll(() => page.getByTestId('node-state').textContent(), { timeout: 45_000 })
      .toBe('Active — serving jobs');
    const refused = /WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/;
    expect(problems.filter((p) => !refused.test(p))).toEqual([]);
  }, 90_000);
});

/** 100,000 jobs as the node kit reports them: most delivered, some failed, three models. */
function manyJobs(n: number, now: number): JobDto[] {
  const models = ['qwen2.5-7b-instruct', 'llama-3.1-8b-instruct', 'mistral-7b-instruct'];
  return Array.from({ length: n }, (_, i) => {
    const failed = i % 17 === 0;
    return {
      jobId: `job-${i.toString(16).padStart(8, '0')}-${((i * 2654435761) >>> 0).toString(16)}-4c8e-b1a2`,
      model: models[i % 3]!,
      state: failed ? 'failed' : 'acked',
      promptTokens: 90 + (i % 40),
      completionTokens: failed ? 0 : 120 + (i % 300),
      durationMs: 700 + (i % 2000),
      tokensPerSecond: failed ? null : 60 + (i % 90),
      outcome: failed ? 'The runtime closed the stream early' : 'network accepted',
      updatedAt: now - (n - i) * 100,
      test: false,
    };
  });
}

describe.skipIf(!chromium.available)('Jobs page at 100,000 jobs', () => {
  let dashboard: FakeNodeDashboard | undefined;
  let server: DashboardServer;
  let page: Page;
  const budgets: Record<string, string> = {};

  beforeAll(async () => {
    dashboard = await openFakeNodeDashboard({
      dataDirPrefix: 'jobs-100k-',
      host: 'headless',
      prepare: (service) => (service.jobs = manyJobs(100_000, Date.now())),
    });
    ({ server, page } = dashboard);
  }, 120_000);

  afterAll(async () => {
    printBudgets('Jobs page, 100,000 jobs', budgets);
    await dashboard?.close();
  });

  it('scrolls smoothly, filters and totals them, with few rows in the page', async () => {
    await page.goto(server.url);
    await nav(page, 'Jobs');
    const totals = page.getByTestId('job-totals');
    await expect.poll(() => totals.textContent(), { timeout: 30_000 }).toMatch(/^100,000 jobs ·/);
    expect(await page.getByTestId('job-row').count()).toBeLessThan(80);

    // 240 px per frame is a fast flick (about 14,000 px/s at 60 frames/s).
    const scroll = await scrollSmoothness(page, '.jobs-table', 8_000, 240);
    const t = scroll.mainThread;
    budgets['Jobs page scrolling at 100,000 jobs'] =
      `${scroll.fps.toFixed(1)} frames/s over ${scroll.seconds.toFixed(1)} s (${scroll.frames} frames, ${scroll.longFrames} over 50 ms, worst ${scroll.worstFrameMs.toFixed(0)} ms; ` +
      `main thread: script ${t.scriptPct.toFixed(0)}%, layout ${t.layoutPct.toFixed(0)}%, style ${t.stylePct.toFixed(0)}%)`;
    expect(scroll.fps).toBeGreaterThan(10);

    const started = Date.now();
    await page.getByTestId('job-outcome').selectOption('failed');
    await expect.poll(() => totals.textContent()).toMatch(/^5,883 jobs \(of 100,000\)/);
    budgets['Jobs filter over 100,000 jobs (select → totals shown)'] = `${Date.now() - started} ms`;
    await page.getByTestId('job-model').selectOption('llama-3.1-8b-instruct');
    await expect.poll(() => totals.textContent()).toMatch(/^1,961 jobs \(of 100,000\)/);
  }, 90_000);
});

describe.skipIf(!chromium.available)('offline: the network cannot be reached', () => {
  const KEY = `0x${'5a'.repeat(32)}`;
  let files: HeadlessNodeFiles | undefined;
  let sim: SimRuntime;
  let devnet: Devnet | null = null;
  let proc: ManagedProcess | null = null;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    files = await prepareHeadlessNodeFiles('offline-');
    sim = await startSimRuntime({
      model: DEVNET_MODEL.name,
      servedModelName: DEVNET_MODEL.served_name,
      warmupMs: 0,
    });
    ({ browser, context, page } = await openDashboardBrowser());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await proc?.stop(15_000);
    await devnet?.close();
    await sim?.close();
    await files?.remove();
  }, 30_000);

  it('says "Offline: cannot reach … — next try in N s", and Retry now really tries at once', async () => {
    // The network's address and signer, then nothing listening there.
    const first = await startDevnet({ networkPrivateKey: KEY });
    const ioUrl = first.url;
    const signer = first.signerAddress;
    await first.close();

    const { bundle, dataDir, rendererDir } = files!;
    const env = { ...process.env };
    delete env.RESULTITY_KEY_PASSPHRASE;
    delete env.RESULTITY_DATA_DIR;
    proc = startProcess({
      name: 'offline node',
      args: [
        bundle,
        '--json',
        '--data-dir',
        dataDir,
        '--dashboard-port',
        '0',
        '--dashboard-dir',
        rendererDir,
        '--ops-port',
        'off',
        '--io-url',
        ioUrl,
        '--network-signer',
        signer,
        '--runtime-url',
        sim.url,
        ...(sim.apiKey ? [`--runtime-api-key=${sim.apiKey}`] : []),
      ],
      env,
    });
    const line = await proc.waitForLine((l) => l.includes('"type":"dashboard"'), 30_000);
    const { readFile } = await import('node:fs/promises');
    const link = (await readFile(String(JSON.parse(line).linkFile), 'utf8')).trim();
    await page.goto(link);

    const banner = page.getByTestId('offline-banner');
    const seconds = async () =>
      Number(/next try in (\d+) s/.exec((await banner.textContent()) ?? '')?.[1] ?? -1);
    await expect
      .poll(() => banner.textContent(), { timeout: 30_000 })
      .toMatch(
        new RegExp(`^Offline: cannot reach ${ioUrl.replace(/[.]/g, '\\.')} — next try in \\d+ s`),
      );
    // The waits grow (1, 2, 4, 8 s …): wait for one long enough to tell a click from the timer.
    await expect.poll(seconds, { timeout: 40_000, interval: 250 }).toBeGreaterThanOrEqual(6);

    await page.screenshot({ path: path.join(SHOTS, 'offline-banner.png') });
    devnet = await startDevnet({ port: Number(new URL(ioUrl).port), networkPrivateKey: KEY });
    const clicked = Date.now();
    await page.getByTestId('retry-now').click();
    await expect
      .poll(() => page.getByTestId('node-state').textContent(), { timeout: 4_000, interval: 100 })
      .not.toBe('Starting — registering with the network');
    expect(Date.now() - clicked).toBeLessThan(4_000);
    await expect.poll(() => banner.count()).toBe(0);
  }, 120_000);
});
