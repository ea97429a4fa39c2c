// Wallet binding through the dashboard of the REAL headless node (bundled CLI, in-process devnet):
// the operator asks for the binding message, signs it with their own wallet (a second ethers key
// here), pastes the signature; the node checks it and sends it, and the devnet's node view shows
// the verified owner.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Wallet } from 'ethers';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability } from '../helpers/env.js';
import { openDashboardBrowser } from './helpers/browser.js';
import { buildRendererToTemp } from './helpers/build-renderer.js';
import {
  bundleHeadlessCli,
  startHeadlessNode,
  type HeadlessNodeProcess,
} from './helpers/headless-node.js';

const chromium = chromiumAvailability();

describe.skipIf(!chromium.available)('owner binding in Chromium (real headless node)', () => {
  let rendererDir: string;
  let bundle: string;
  let dataDir: string;
  let node: HeadlessNodeProcess | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [rendererDir, bundle, dataDir] = await Promise.all([
      buildRendererToTemp(),
      bundleHeadlessCli(),
      mkdtemp(path.join(tmpdir(), 'owner-node-')),
    ]);
    node = await startHeadlessNode({ bundle, dataDir, rendererDir });
    ({ browser, context, page } = await openDashboardBrowser());
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await node?.stop(15_000);
    await rm(rendererDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
    if (bundle) await rm(path.dirname(bundle), { recursive: true, force: true });
  }, 30_000);

  it('binds a wallet signed by a second key, shows it verified, and the devnet holds it', async () => {
    await page.goto(node!.dashboardUrl);
    await expect
      .poll(() => page.getByTestId('node-state').textContent(), { timeout: 45_000 })
      .toBe('Active — serving jobs');
    const nodeId = String((await node!.waitForEvent((e) => e.type === 'started')).nodeId);

    await page.getByRole('link', { name: 'Settings' }).click();
    const wallet = Wallet.createRandom();
    await page.getByTestId('wallet-address-input').fill(wallet.address);
    await page.getByTestId('wallet-message-create').click();
    const message = (await page.getByTestId('wallet-message').textContent()) ?? '';
    expect(message).toContain(`Node ID: ${nodeId}`);
    expect(message).toContain(`Wallet: ${wallet.address}`);

    // A signature by another key is refused by the node; nothing is sent.
    await page
      .getByTestId('wallet-signature-input')
      .fill(Wallet.createRandom().signMessageSync(message));
    await page.getByTestId('wallet-bind').click();
    await expect
      .poll(() =>
        page.getByRole('alert').filter({ hasText: 'The wallet was not bound' }).textContent(),
      )
      .toContain('The signature was not accepted');

    await page.getByTestId('wallet-signature-input').fill(wallet.signMessageSync(message));
    await page.getByTestId('wallet-bind').click();
    const short = `${wallet.address.slice(0, 6)}…${wallet.address.slice(-4)}`;
    await expect
      .poll(() => page.getByTestId('account-binding-status').textContent(), { timeout: 15_000 })
      .toBe(`Bound to ${short} (verified)`);
    const view = await node!.admin.call<{ owner: unknown }>('GET', `/v1/admin/nodes/${nodeId}`);
    expect(view.owner).toEqual({ kind: 'wallet', address: wallet.address });

    await page.getByRole('link', { name: 'Overview' }).click();
    await expect
      .poll(() => page.getByTestId('account-status').textContent())
      .toBe(`Bound to ${short} (verified)`);
  }, 120_000);
});
