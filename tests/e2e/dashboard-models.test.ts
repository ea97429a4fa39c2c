// The Models page in real headless Chromium against the REAL headless node (bundled CLI,
// in-process devnet with its model hub, SIMULATED runtime): the devnet's model shows Verified
// with its digest; a new revision published by the devnet, served slowly by its hub, goes
// Downloading (bytes, speed) → Verifying → Verified on the page, as the node checks each file.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSnapshot, DEVNET_MODEL } from '../../src-main/devnet/io/default-snapshot.js';
import { devnetModelFileList } from '../../src-main/devnet/io/model-hub.js';
import { chromiumAvailability } from '../helpers/env.js';
import type { HeadlessNodeProcess } from './helpers/headless-node.js';
import { openRealNodeDashboard, type RealNodeDashboard } from './helpers/real-node-dashboard.js';

const chromium = chromiumAvailability();
const CELL = `verification-${DEVNET_MODEL.served_name}`;

describe.skipIf(!chromium.available)('Models page against the real headless node', () => {
  let dashboard: RealNodeDashboard | undefined;
  let node: HeadlessNodeProcess | undefined;
  let page: Page;

  const state = () => page.getByTestId(CELL).getAttribute('data-state');

  beforeAll(async () => {
    dashboard = await openRealNodeDashboard({ dataDirPrefix: 'models-node-' });
    ({ node, page } = dashboard);
  }, 90_000);

  afterAll(async () => {
    await dashboard?.close();
  }, 30_000);

  it('shows the devnet model verified, with its digest shortened and the disk it takes', async () => {
    await page.goto(node!.dashboardUrl);
    await page.locator('a.nav-link[title="Models"]').click();
    await expect.poll(state, { timeout: 45_000 }).toBe('verified');
    const digest = page.getByTestId(CELL).getByTestId('model-digest');
    expect(await digest.textContent()).toMatch(/^sha256:[0-9a-f]{6}…[0-9a-f]{6}$/);
    expect(await digest.getAttribute('title')).toMatch(/^sha256:[0-9a-f]{64}$/);
    await expect
      .poll(() => page.getByTestId('model-disk').textContent())
      .toMatch(/^Models use 4\.\d MiB of .* \(what leaves 10 % of the disk free/);
  }, 60_000);

  it('follows a new revision from Downloading (with speed) through Verifying to Verified', async () => {
    // Every state the cell takes, recorded in the page as it happens (Verifying is brief).
    await page.evaluate((cell) => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const record = () => {
        const s = document.querySelector(`[data-testid="${cell}"]`)?.getAttribute('data-state');
        if (s && seen.at(-1) !== s) seen.push(s);
      };
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-state'],
      });
    }, CELL);
    await node!.admin.setFaults({ slow_model_hub: { bytes_per_second: 1024 * 1024 } });
    try {
      const [model] = defaultSnapshot().models;
      await node!.admin.publish({
        models: [{ ...model, revision: 'r2', files: devnetModelFileList(DEVNET_MODEL.name, 'r2') }],
      });
      await expect.poll(state, { timeout: 20_000 }).toBe('downloading');
      // The transfer: bytes of the total and the speed, while it runs.
      await expect
        .poll(() => page.locator('.transfer-foot').first().textContent(), { timeout: 10_000 })
        .toMatch(/ of 4\.\d MiB at [\d.]+ [KM]iB\/s/);
      await expect.poll(state, { timeout: 30_000 }).toBe('verified');
      const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
      expect(seen.slice(seen.indexOf('downloading'))).toEqual([
        'downloading',
        'verifying',
        'verified',
      ]);
      expect(await page.locator('.model-served').first().textContent()).toContain('revision r2');
    } finally {
      await node!.admin.clearFaults();
    }
  }, 90_000);
});
