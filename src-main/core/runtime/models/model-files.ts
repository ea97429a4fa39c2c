import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ApprovedModel } from '../../protocol/schemas/snapshot.js';
import { repoFolder } from './hf-layout.js';

export async function fileSize(p: string): Promise<number> {
  try {
    return (await stat(p)).size;
  } catch {
    return 0;
  }
}

export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (e.isFile()) total += await fileSize(path.join(e.parentPath, e.name));
  }
  return total;
}

/** Repo folders, and snapshot folders of other revisions, that no approved model accounts for. */
export async function unapprovedFolders(
  hfHome: string,
  approved: readonly ApprovedModel[],
): Promise<string[]> {
  const hub = path.join(hfHome, 'hub');
  const keep = new Map<string, Set<string>>();
  for (const m of approved) {
    const folder = path.basename(repoFolder(hfHome, m.name));
    keep.set(folder, (keep.get(folder) ?? new Set()).add(m.revision));
  }
  const stale: string[] = [];
  for (const repo of (await readdir(hub).catch(() => [])).filter((d) => d.startsWith('models--'))) {
    const revisions = keep.get(repo);
    if (!revisions) {
      stale.push(path.join(hub, repo));
      continue;
    }
    for (const rev of await readdir(path.join(hub, repo, 'snapshots')).catch(() => [])) {
      if (!revisions.has(rev)) stale.push(path.join(hub, repo, 'snapshots', rev));
    }
  }
  return stale;
}
