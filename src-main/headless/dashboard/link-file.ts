import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../service/host-api.js';

/** The dashboard's link, with its access token in the fragment, and where it is kept. */
export interface DashboardLink {
  /** `http://127.0.0.1:PORT/#token=…` */
  url: string;
  /** A 0600 file in the network's data folder holding `url`. */
  file: string;
}

export const DASHBOARD_LINK_FILE = 'dashboard-link';

/**
 * Keeps the link in a file only this user can read, so it need not be printed in full where
 * output is stored (journald under systemd, CI logs). Replaced at every start (a new token).
 */
export async function writeDashboardLink(dataDir: string, url: string): Promise<DashboardLink> {
  const file = join(dataDir, DASHBOARD_LINK_FILE);
  await writeFileAtomic(file, `${url}\n`, { mode: 0o600 });
  return { url, file };
}

/** The token is useless once the node stops: the file goes with it. */
export async function removeDashboardLink(link: DashboardLink): Promise<void> {
  await rm(link.file, { force: true });
}

/** The link without its token (what may be printed where output is kept). */
export function withoutToken(url: string): string {
  const u = new URL(url);
  u.hash = '';
  return u.href;
}
