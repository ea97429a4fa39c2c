import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath } from '../../helpers/env.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath() ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** Collects console errors and uncaught page errors; a test asserts the list stays empty. */
export function watchPageErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return problems;
}

export interface DashboardBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** From watchPageErrors(page). */
  problems: string[];
}

/** Chromium with one desktop-sized page, its console errors collected. */
export async function openDashboardBrowser(
  options: { acceptDownloads?: boolean } = {},
): Promise<DashboardBrowser> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      ...options,
    });
    const page = await context.newPage();
    return { browser, context, page, problems: watchPageErrors(page) };
  } catch (error) {
    await browser.close(); // the caller's afterAll never got hold of it
    throw error;
  }
}

/** Prints the budgets a run measured (nothing when it measured none). */
export function printBudgets(title: string, budgets: Record<string, string>): void {
  if (Object.keys(budgets).length === 0) return;
  const lines = Object.entries(budgets).map(([k, v]) => `  ${k}: ${v}`);
  console.log(`\nDashboard budgets (${title}):\n${lines.join('\n')}\n`);
}
