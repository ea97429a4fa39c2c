import { isAbsolute, resolve } from 'node:path';
import { PassphraseFileVault } from '../service/host-api.js';
import type { ImportKeyRequest } from '../service/agent-facade.js';
import { UsageError, type HeadlessConfig } from './options.js';

/** The backup's passphrase for `--import-key`, when no file names it. */
export const IMPORT_KEY_PASSPHRASE_ENV = 'RESULTITY_IMPORT_KEY_PASSPHRASE';

type Env = Readonly<Record<string, string | undefined>>;

export interface ImportKeyIo {
  /** Asks in the terminal without echo; absent when there is no terminal to ask in. */
  promptSecret?: (question: string) => Promise<string>;
  /** Removes the passphrase variable from this process's environment once read. */
  scrub: (variable: string) => void;
}

/**
 * `--import-key FILE`: the request the node kit runs under the data-folder lock, before the
 * node starts. The passphrase comes from --import-key-passphrase-file (read with the same rules
 * as the key passphrase file: must exist, 0600), else RESULTITY_IMPORT_KEY_PASSPHRASE, else a
 * prompt in the terminal.
 */
export async function importKeyRequest(
  cfg: HeadlessConfig,
  env: Env,
  io: ImportKeyIo,
): Promise<ImportKeyRequest | undefined> {
  if (!cfg.importKey) return undefined;
  const fromEnv = env[IMPORT_KEY_PASSPHRASE_ENV];
  if (fromEnv !== undefined) io.scrub(IMPORT_KEY_PASSPHRASE_ENV);
  let passphrase: string;
  if (cfg.importKeyPassphraseFile) {
    const path = cfg.importKeyPassphraseFile;
    const file = new PassphraseFileVault(isAbsolute(path) ? path : resolve(path), {
      create: false,
      source: `the backup passphrase file ${path} (--import-key-passphrase-file)`,
    });
    passphrase = await file.loadOrCreateSecret();
  } else if (fromEnv) {
    passphrase = fromEnv;
  } else if (io.promptSecret) {
    passphrase = await io.promptSecret(`Passphrase of the key backup ${cfg.importKey}: `);
  } else {
    throw new UsageError(
      `--import-key needs the backup's passphrase: pass --import-key-passphrase-file FILE, set ` +
        `${IMPORT_KEY_PASSPHRASE_ENV}, or run the command in a terminal to be asked for it.`,
    );
  }
  if (passphrase === '')
    throw new UsageError('The backup passphrase is empty; nothing was imported.');
  return {
    file: resolve(cfg.importKey),
    passphrase,
    confirmReplace: async () => cfg.force === true,
    refusalHint:
      'To replace it, start again with --force: the current key file is then kept beside it, ' +
      'renamed with the time, and can be restored.',
  };
}
