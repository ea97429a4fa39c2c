import { readFile } from 'node:fs/promises';
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
 * The dashboard's default port: fixed so the link survives restarts, and chosen away from the
 * ports other tools take (3000, 5000, 8000, 8080, 8888, 9090, Jupyter, Gradio, vLLM's 8000) and
 * below Linux's ephemeral range (32768–60999), where outgoing connections take random ports.
 */
export const DEFAULT_DASHBOARD_PORT = 28780;

/** What a previous start left: its token (reused) and its port (tried first). */
export interface SavedAccess {
  token: string;
  port: number;
}

const LINK = /^http:\/\/127\.0\.0\.1:(\d{1,5})\/#token=([\w-]{43})$/;

/** Parses a link written by this module; null for anything else. */
export function parseDashboardLink(text: string): SavedAccess | null {
  const m = LINK.exec(text.trim());
  if (!m) return null;
  const port = Number(m[1]);
  return port > 0 && port <= 65535 ? { port, token: m[2]! } : null;
}

export function dashboardLinkFile(dataDir: string): string {
  return join(dataDir, DASHBOARD_LINK_FILE);
}

/** The token and port of the last start, or null (first start, or a damaged file). */
export async function readSavedAccess(dataDir: string): Promise<SavedAccess | null> {
  const text = await readFile(dashboardLinkFile(dataDir), 'utf8').catch(() => '');
  return parseDashboardLink(text);
}

/**
 * Keeps the link in a file only this user can read, so it need not be printed in full where
 * output is stored (journald under systemd, CI logs), and so the next start reuses the same
 * token and port: a bookmarked link keeps working across restarts. `resultity-node link`
 * prints it again.
 */
export async function writeDashboardLink(dataDir: string, url: string): Promise<DashboardLink> {
  const file = dashboardLinkFile(dataDir);
  await writeFileAtomic(file, `${url}\n`, { mode: 0o600 });
  return { url, file };
}

/** The link without its token (what may be printed where output is kept). */
export function withoutToken(url: string): string {
  const u = new URL(url);
  u.hash = '';
  return u.href;
}
