import { createPrivateFile, readPrivateFile } from './secret-file.js';
import {
  SecretVaultError,
  generateSecret,
  type SecretVault,
  type VaultDescription,
} from './secret-vault.js';

const WHAT = 'the key passphrase file';

export interface PassphraseFileOptions {
  /**
   * false: the operator provides the file (RESULTITY_KEY_PASSPHRASE_FILE, a systemd
   * credential), so a missing one is an error instead of being created. Default true.
   */
  create?: boolean;
  /** How messages name the file (default "the key passphrase file <path>"). */
  source?: string;
}

/**
 * The secret is a random 32-byte value in a file only the user can read (0600). This is the
 * default for a headless node without a system keychain. An operator may also provision the
 * file themselves (any non-empty content; one trailing newline is ignored).
 */
export class PassphraseFileVault implements SecretVault {
  readonly kind = 'passphrase-file';

  constructor(
    readonly path: string,
    private readonly options: PassphraseFileOptions = {},
  ) {}

  describe(): VaultDescription {
    return {
      kind: this.kind,
      protection: 'file',
      source: this.options.source ?? `${WHAT} ${this.path}`,
      // The node's own file lives beside the key; an operator's file (credential) does not.
      inDataFolder: this.options.create !== false,
    };
  }

  async loadSecret(): Promise<string | undefined> {
    const bytes = await readPrivateFile(this.path, WHAT);
    if (bytes === undefined) return undefined;
    const secret = bytes.toString('utf8').replace(/\r?\n$/, '');
    if (secret.length === 0) {
      throw new SecretVaultError(
        'unreadable',
        `The key passphrase file ${this.path} is empty. It was left as it is. Restore it from ` +
          'your backup, or remove it together with the key file to create a new identity.',
      );
    }
    return secret;
  }

  async loadOrCreateSecret(): Promise<string> {
    const existing = await this.loadSecret();
    if (existing !== undefined) return existing;
    if (this.options.create === false) {
      throw new SecretVaultError(
        'missing',
        `${this.describe().source} does not exist (${this.path}). Create it with the key's ` +
          'passphrase (readable only by the user the node runs as), or unset the setting that ' +
          'names it to let the node keep its own passphrase file in the data folder.',
      );
    }
    const secret = generateSecret();
    if (await createPrivateFile(this.path, `${secret}\n`)) return secret;
    // Another process created it between our read and our write: use theirs.
    const theirs = await this.loadSecret();
    if (theirs === undefined) throw new Error(`${this.path} vanished while being created.`);
    return theirs;
  }
}
