import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOT_DIR = path.resolve(
  import.meta.dirname,
  '../../../test-artifacts/screenshots',
);

export const PAGES = [
  { id: 'overview', heading: 'Overview' },
  { id: 'gpu', heading: 'GPU' },
  { id: 'models', heading: 'Models' },
  { id: 'jobs', heading: 'Jobs' },
  { id: 'logs', heading: 'Logs' },
  { id: 'setup', heading: 'Setup check' },
  { id: 'settings', heading: 'Settings' },
] as const;

/**
 * Opens each page through its nav link and saves it in light and dark (prefers-color-scheme),
 * as `<dir>/<prefix>-<page>-<light|dark>.png`.
 */
export async function screenshotEveryPage(
  page: Page,
  prefix: string,
  dir: string = SCREENSHOT_DIR,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const saved: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    for (const p of PAGES) {
      await page
        .getByRole('navigation', { name: 'Dashboard pages' })
        .getByRole('link', { name: p.heading })
        .click();
      await page.getByRole('heading', { level: 1, name: p.heading, exact: true }).waitFor();
      const file = path.join(dir, `${prefix}-${p.id}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      saved.push(file);
    }
  }
  return saved;
}
