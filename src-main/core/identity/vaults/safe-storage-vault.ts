import { writeFileAtomic } from '../../store/atomic-file.js';
import { createPrivateFile, readPrivateFile } from './secret-file.js';
import {
  SecretVaultError,
  generateSecret,
  type SecretVault,
  type VaultDescription,
} from './secret-vault.js';

export type LinuxStorageBackend =
  'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

/**
 * The part of Electron's `safeStorage` (async API, Electron ≥ 45) this vault uses. The desktop
 * shell passes the real object; core never imports 'electron'.
 */
export interface AsyncSafeStorage {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?(): LinuxStorageBackend;
}

const WHAT = 'the encrypted key secret';

export const WEAK_KEYRING_WARNING =
  'Your node key is protected only by file permissions on this system: no system keyring ' +
  'was found, so anyone who can read your files can unlock the key. Install and unlock a ' +
  'keyring such as GNOME Keyring or KWallet, then restart the app.';

/**
 * The secret is a random 32-byte value encrypted by the OS keychain (Keychain on macOS, DPAPI
 * on Windows, libsecret/KWallet on Linux) and stored, encrypted, in a 0600 file.
 */
export class SafeStorageVault implements SecretVault {
  readonly kind = 'safe-storage';

  constructor(
    private readonly safeStorage: AsyncSafeStorage,
    readonly path: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  describe(): VaultDescription {
    if (this.platform !== 'linux') {
      return { kind: this.kind, protection: 'os-keychain', source: this.source('keychain') };
    }
    const backend = this.safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    // 'unknown' means Electron has not picked a store yet: do not claim protection we lack.
    if (backend === 'basic_text' || backend === 'unknown') {
      return {
        kind: this.kind,
        protection: 'weak',
        warning: WEAK_KEYRING_WARNING,
        inDataFolder: true,
        source: this.source(`no keyring, Electron store "${backend}"`),
      };
    }
    return { kind: this.kind, protection: 'os-keychain', source: this.source(backend) };
  }

  async loadSecret(): Promise<string | undefined> {
    const encrypted = await readPrivateFile(this.path, WHAT);
    if (encrypted === undefined) return undefined;
    await this.requireAvailable();
    let decrypted: { result: string; shouldReEncrypt: boolean };
    try {
      decrypted = await this.safeStorage.decryptStringAsync(encrypted);
    } catch (err) {
      throw new SecretVaultError(
        'unreadable',
        `The system keychain could not decrypt ${WHAT} in ${this.path} (${(err as Error).message}). ` +
          'This happens when the keychain was reset or the app runs as another user. The file ' +
          'was left as it is. Restore your keychain, or restore the key file from backup; to ' +
          'start over with a new identity, move this file and the key file somewhere else.',
        { cause: err },
      );
    }
    if (decrypted.result === '') {
      throw new SecretVaultError('unreadable', `${WHAT} in ${this.path} decrypted to nothing.`);
    }
    // The keychain rotated its key: store the same secret under the new key.
    if (decrypted.shouldReEncrypt) {
      const again = await this.safeStorage.encryptStringAsync(decrypted.result);
      await writeFileAtomic(this.path, again, { mode: 0o600 });
    }
    return decrypted.result;
  }

  async loadOrCreateSecret(): Promise<string> {
    const existing = await this.loadSecret();
    if (existing !== undefined) return existing;
    await this.requireAvailable();
    const secret = generateSecret();
    const encrypted = await this.safeStorage.encryptStringAsync(secret);
    if (await createPrivateFile(this.path, encrypted)) return secret;
    const theirs = await this.loadSecret();
    if (theirs === undefined) throw new Error(`${this.path} vanished while being created.`);
    return theirs;
  }

  private async requireAvailable(): Promise<void> {
    if (await this.safeStorage.isAsyncEncryptionAvailable()) return;
    throw new SecretVaultError(
      'unavailable',
      'The system keychain is not available right now, so the node key cannot be unlocked. ' +
        'Unlock your keychain (on Linux: GNOME Keyring or KWallet) and try again.',
    );
  }

  private source(store: string): string {
    return `the system keychain (${store}), file ${this.path}`;
  }
}
