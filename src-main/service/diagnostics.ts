import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DashboardSnapshot, LogLineDto } from '../contract/index.js';
import { writeFileAtomic } from '../core/store/atomic-file.js';

/**
 * Writes a diagnostics bundle an operator can attach to a support request: state, stats,
 * settings, setup checks, recent jobs and logs. It holds no key material (the service never
 * sees any); node ID and wallet address are public anyway.
 */
export async function writeDiagnostics(
  dir: string,
  snapshot: DashboardSnapshot,
  logs: LogLineDto[],
  now: Date = new Date(),
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const path = join(dir, `resultity-diagnostics-${stamp}.json`);
  const bundle = {
    generatedAt: now.toISOString(),
    platform: `${process.platform} ${process.arch}`,
    versions: { node: process.versions.node, electron: process.versions.electron ?? null },
    ...snapshot,
    logs,
  };
  await writeFileAtomic(path, `${JSON.stringify(bundle, null, 2)}\n`, { mode: 0o600 });
  return path;
}
