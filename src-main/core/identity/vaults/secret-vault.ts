import { randomBytes } from 'node:crypto';

/** How well the keystore secret is protected; the UI shows this next to the node ID. */
export type VaultProtection = 'os-keychain' | 'file' | 'environment' | 'weak';

export interface VaultDescription {
  kind: string;
  protection: VaultProtection;
  /** Plain-language advice when the protection is weaker than the user may expect. */
  warning?: string;
  /** Where the secret lives, for messages ("the passphrase file /…/node-key.secret"). */
  source: string;
  /**
   * True when whatever unlocks the key sits in the data folder itself, readable as is (the
   * node's own passphrase file, or a keychain file Electron stores as plain text): a copy of
   * the folder is then a copy of the key.
   */
  inDataFolder?: boolean;
}

/**
 * Holds the secret that encrypts the node key file. `loadSecret` never creates anything, so a
 * key file whose secret has gone missing is reported instead of being paired with a fresh,
 * useless secret.
 */
export interface SecretVault {
  readonly kind: string;
  describe(): VaultDescription;
  /** The stored secret, creating and storing a new random one if there is none. */
  loadOrCreateSecret(): Promise<string>;
  /** The stored secret, or undefined if none exists yet. Never creates one. */
  loadSecret(): Promise<string | undefined>;
}

export type SecretVaultProblem = 'missing' | 'insecure' | 'unavailable' | 'unreadable';

/** A vault cannot provide its secret. The message says what to do. */
export class SecretVaultError extends Error {
  override readonly name = 'SecretVaultError';
  constructor(
    readonly problem: SecretVaultProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A fresh random secret: 32 bytes as 64 hex characters. */
export function generateSecret(): string {
  return randomBytes(32).toString('hex');
}
