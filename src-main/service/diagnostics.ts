import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DashboardSnapshot, LogLineDto } from '../contract/index.js';
import { createRedactor, type RedactorOptions } from '../core/redact.js';
import { writeFileAtomic } from '../core/store/atomic-file.js';

/**
 * Writes a diagnostics bundle an operator can attach to a support request: state, stats,
 * settings, setup checks, recent jobs and logs. It holds no key material (the service never
 * sees any), and everything in it is redacted: home folders become `~`, the owner's email or
 * wallet and any other address a short hash, tokens and IPs are removed. The node ID stays:
 * support needs it, and the network knows it anyway.
 */
export async function writeDiagnostics(
  dir: string,
  snapshot: DashboardSnapshot,
  logs: LogLineDto[],
  now: Date = new Date(),
  redaction: RedactorOptions = {},
): Promise<string> {
  // The exports folder is private like the rest of the data folder (the node kit makes it 0700).
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const path = join(dir, `resultity-diagnostics-${stamp}.json`);
  const nodeId = snapshot.node.nodeId;
  const redactor = createRedactor({
    ...redaction,
    keep: [...(redaction.keep ?? []), ...(nodeId ? [nodeId] : [])],
  });
  const bundle = redactor.value({
    generatedAt: now.toISOString(),
    platform: `${process.platform} ${process.arch}`,
    versions: { node: process.versions.node, electron: process.versions.electron ?? null },
    ...snapshot,
    logs,
  });
  await writeFileAtomic(path, `${JSON.stringify(bundle, null, 2)}\n`, { mode: 0o600 });
  return path;
}
