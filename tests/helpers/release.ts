import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildRendererToTemp } from '../e2e/helpers/build-renderer.js';
import { REPO_ROOT } from './processes.js';

/**
 * The built dashboard a release packs: dist/renderer when `npm test` (or `npm run build`) built
 * it already, else a fresh build in a temp folder.
 */
export async function rendererForRelease(): Promise<string> {
  const built = path.join(REPO_ROOT, 'dist', 'renderer');
  if (existsSync(path.join(built, 'index.html'))) return built;
  return buildRendererToTemp();
}

/** Submits `count` jobs through the devnet's admin API (what an operator's curl does). */
export async function submitJobs(
  devnetUrl: string,
  adminToken: string,
  count: number,
): Promise<string[]> {
  const res = await fetch(`${devnetUrl}/v1/admin/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ count, max_tokens: 8 }),
  });
  if (!res.ok) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { job_ids: string[] }).job_ids;
}

/** The JSON event lines (`--json`) of a node's output, parsed; other lines skipped. */
export function jsonEvents(lines: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of lines.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial line
    }
  }
  return out;
}
