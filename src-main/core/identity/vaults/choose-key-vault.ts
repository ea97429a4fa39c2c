import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { EnvVault, KEY_PASSPHRASE_ENV } from './env-vault.js';
import { PassphraseFileVault } from './passphrase-file-vault.js';
import type { SecretVault } from './secret-vault.js';

/** Names a file that holds the key passphrase (kept out of the process environment). */
export const KEY_PASSPHRASE_FILE_ENV = 'RESULTITY_KEY_PASSPHRASE_FILE';
/** The credential name for systemd's `LoadCredential=resultity-key-passphrase:/path`. */
export const KEY_PASSPHRASE_CREDENTIAL = 'resultity-key-passphrase';

type Env = Readonly<Record<string, string | undefined>>;

export class KeyVaultChoiceError extends Error {
  override readonly name = 'KeyVaultChoiceError';
}

export interface KeyVaultChoice {
  /** The vault, given the data folder's paths (used only when no other source is set). */
  vault: (paths: { passphraseFile: string }) => SecretVault;
  /** Where the passphrase comes from, in words for the start-up log. */
  from: 'systemd-credential' | 'passphrase-file-setting' | 'environment' | 'data-folder-file';
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Where a headless node's key passphrase comes from, safest first:
 * 1. a systemd credential: `$CREDENTIALS_DIRECTORY/resultity-key-passphrase`
 *    (`LoadCredential=` / `SetCredentialEncrypted=`; never in the environment or the unit file);
 * 2. the file named by RESULTITY_KEY_PASSPHRASE_FILE (must exist, 0600);
 * 3. RESULTITY_KEY_PASSPHRASE itself (works, with a warning: it stays in /proc/<pid>/environ);
 * 4. otherwise a random passphrase the node keeps in a 0600 file of its data folder.
 * Naming a file and also setting RESULTITY_KEY_PASSPHRASE is refused: which one is meant?
 * `scrub` removes the passphrase variable from this process's environment (not from
 * /proc/<pid>/environ, which no process can change) so child processes do not inherit it.
 */
export async function chooseKeyVault(
  env: Env,
  scrub: (variable: string) => void,
): Promise<KeyVaultChoice> {
  const passphrase = env[KEY_PASSPHRASE_ENV];
  if (passphrase !== undefined) scrub(KEY_PASSPHRASE_ENV);
  const credentials = env.CREDENTIALS_DIRECTORY;
  const credential = credentials ? join(credentials, KEY_PASSPHRASE_CREDENTIAL) : null;
  const named = env[KEY_PASSPHRASE_FILE_ENV];
  const fileSource =
    credential && (await exists(credential))
      ? ({ path: credential, from: 'systemd-credential' } as const)
      : named
        ? ({ path: named, from: 'passphrase-file-setting' } as const)
        : null;
  if (fileSource && passphrase) {
    throw new KeyVaultChoiceError(
      `Both ${KEY_PASSPHRASE_ENV} and ${fileSource.from === 'systemd-credential' ? `the systemd credential ${KEY_PASSPHRASE_CREDENTIAL}` : KEY_PASSPHRASE_FILE_ENV} are set, so it is not clear which passphrase is meant. ` +
        `Remove ${KEY_PASSPHRASE_ENV} (the file is the safer of the two) and start again.`,
    );
  }
  if (fileSource?.from === 'systemd-credential') {
    return {
      from: fileSource.from,
      vault: () =>
        new PassphraseFileVault(fileSource.path, {
          create: false,
          source: `the systemd credential ${KEY_PASSPHRASE_CREDENTIAL}`,
        }),
    };
  }
  if (fileSource) {
    if (!isAbsolute(fileSource.path)) {
      throw new KeyVaultChoiceError(
        `${KEY_PASSPHRASE_FILE_ENV} must be an absolute path (it is "${fileSource.path}").`,
      );
    }
    return {
      from: fileSource.from,
      vault: () =>
        new PassphraseFileVault(fileSource.path, {
          create: false,
          source: `the passphrase file ${fileSource.path} (${KEY_PASSPHRASE_FILE_ENV})`,
        }),
    };
  }
  if (passphrase) {
    return { from: 'environment', vault: () => new EnvVault({ [KEY_PASSPHRASE_ENV]: passphrase }) };
  }
  return {
    from: 'data-folder-file',
    vault: (paths) => new PassphraseFileVault(paths.passphraseFile),
  };
}
