// Wallet binding through the dashboard of the REAL headless node (bundled CLI, in-process devnet):
// the operator asks for the binding message, signs it with their own wallet (a second ethers key
// here), pastes the signature; the node checks it and sends it, and the devnet's node view shows
// the verified owner.
import { Wallet } from 'ethers';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability } from '../helpers/env.js';
import type { HeadlessNodeProcess } from './helpers/headless-node.js';
import { openRealNodeDashboard, type RealNodeDashboard } from './helpers/real-node-dashboard.js';

const chromium = chromiumAvailability();

describe.skipIf(!chromium.available)('owner binding in Chromium (real headless node)', () => {
  let dashboard: RealNodeDashboard | undefined;
  let node: HeadlessNodeProcess | undefined;
  let page: Page;

  beforeAll(async () => {
    dashboard = await openRealNodeDashboard({ dataDirPrefix: 'owner-node-' });
    ({ node, page } = dashboard);
  }, 90_000);

  afterAll(async () => {
    await dashboard?.close();
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
