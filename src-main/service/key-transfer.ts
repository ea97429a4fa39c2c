import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assessPassphrase, type KeyBackupResult, type KeyImportResult } from '../contract/index.js';
import { writeFileAtomic } from '../core/store/atomic-file.js';
import type { AgentFacade, HostActions } from './agent-facade.js';

/** The backup passphrase is too easy to guess; the message says why and what to do. */
export class WeakPassphraseError extends Error {
  override readonly name = 'WeakPassphraseError';
  readonly code = 'weak_passphrase';
}

/** The backup's file name: network, the node ID's start and the time, so several never clash. */
export function backupFileName(network: string, nodeId: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  return `resultity-node-key-${network}-${nodeId.slice(0, 10)}-${stamp}.json`;
}

/**
 * "Back up key": refuses a weak passphrase, re-encrypts the key under it, then writes the file
 * (0600) where the desktop's save dialog says, or into the private exports folder (0700) on a
 * headless node, whose dashboard also gets the file to download.
 */
export async function backUpKey(
  agent: AgentFacade,
  host: HostActions,
  network: string,
  passphrase: string,
  now: number,
): Promise<KeyBackupResult> {
  const strength = assessPassphrase(passphrase);
  if (!strength.acceptable) {
    throw new WeakPassphraseError(`The passphrase was not accepted. ${strength.feedback}`);
  }
  const { nodeId, content } = await agent.backupKey(passphrase);
  const fileName = backupFileName(network, nodeId, now);
  await ensurePrivateDir(host.exportDir);
  const suggested = join(host.exportDir, fileName);
  if (host.chooseBackupPath) {
    const chosen = await host.chooseBackupPath(suggested);
    if (chosen === null) return { nodeId, path: null, fileName };
    await writeFileAtomic(chosen, content, { mode: 0o600 });
    return { nodeId, path: chosen, fileName };
  }
  await writeFileAtomic(suggested, content, { mode: 0o600 });
  return { nodeId, path: suggested, fileName, content };
}

/** "Import key" on the desktop: the file is picked and read in the main process only. */
export async function importKeyFromHost(
  agent: AgentFacade,
  host: HostActions,
  passphrase: string,
): Promise<KeyImportResult> {
  if (!host.chooseBackupFile || !host.confirmReplaceKey) {
    throw new Error(
      'A headless node imports a key when it starts: run it with --import-key FILE (the ' +
        'passphrase from a prompt, --import-key-passphrase-file or RESULTITY_IMPORT_KEY_PASSPHRASE).',
    );
  }
  if (passphrase === '') throw new Error('Type the passphrase of the backup first.');
  const file = await host.chooseBackupFile();
  if (file === null) return { outcome: 'cancelled', nodeId: null };
  const confirm = host.confirmReplaceKey.bind(host);
  return agent.importKey({
    file,
    passphrase,
    confirmReplace: confirm,
    refusalHint: 'The import was cancelled; the current key stays.',
  });
}

async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}
