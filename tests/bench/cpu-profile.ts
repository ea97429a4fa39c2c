import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  where: string;
  selfPct: number;
}

/** Self time (idle excluded) of the newest `.cpuprofile` in `dir` (written by node --cpu-prof), summed per key. */
async function selfTimeBy(
  dir: string,
  keyOf: (frame: ProfileNode['callFrame']) => string,
): Promise<{ self: Map<string, number>; total: number }> {
  const self = new Map<string, number>();
  let total = 0;
  const file = (await readdir(dir))
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .at(-1);
  if (!file) return { self, total };
  const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    // Shares of busy time: an idle thread says nothing about where the node's CPU goes.
    if (!node || node.callFrame.functionName === '(idle)') return;
    const key = keyOf(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return { self, total };
}

function topShares(
  self: Map<string, number>,
  total: number,
  top: number,
): Array<[key: string, pct: number]> {
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, t]) => [key, (t / Math.max(1, total)) * 100]);
}

/** Self time per function. */
export async function hotSpots(dir: string, top = 15): Promise<HotSpot[]> {
  const { self, total } = await selfTimeBy(
    dir,
    (f) => `${f.functionName || '(anonymous)'}\t${shortUrl(f.url)}:${f.lineNumber + 1}`,
  );
  return topShares(self, total, top).map(([key, selfPct]) => {
    const [name, where] = key.split('\t') as [string, string];
    return { name, where, selfPct };
  });
}

/** Self time grouped by package or source folder (ethers, ws, node:internal, src-main/core/…). */
export async function hotModules(dir: string, top = 10): Promise<HotSpot[]> {
  const { self, total } = await selfTimeBy(dir, (f) => moduleOf(f.url, f.functionName));
  return topShares(self, total, top).map(([name, selfPct]) => ({ name, where: '', selfPct }));
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  return url.replace(/^file:\/\/.*\//, '');
}

function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  // The bench runs the node from a bundle under node_modules/.cache (its libraries inlined).
  if (url.includes('node_modules/.cache/')) return 'agent bundle';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  if (url.startsWith('node:')) return url.split('/')[0]!;
  return 'agent bundle';
}
