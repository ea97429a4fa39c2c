import type { KeyProtectionDto } from '../contract/index.js';
import type { VaultDescription } from '../core/identity/vaults/secret-vault.js';

const HEADLESS_ADVICE =
  'On a headless rig, keep the passphrase out of the data folder: give it to the node as a ' +
  'systemd credential (LoadCredential=resultity-key-passphrase:/etc/resultity-node/key-passphrase) ' +
  'or a root-owned file named by RESULTITY_KEY_PASSPHRASE_FILE (docs/OPERATING.md, "The key passphrase").';

/**
 * What protects the node key on this machine, in plain words, derived from the vault actually
 * in use (never a fixed claim): its protection level, where its secret sits, and the host.
 */
export function describeKeyProtection(
  vault: VaultDescription,
  host: 'desktop' | 'headless',
): KeyProtectionDto {
  const base = { kind: vault.protection, ...(vault.warning ? { warning: vault.warning } : {}) };
  if (vault.protection === 'os-keychain') {
    return {
      ...base,
      summary:
        `The operating system's keychain protects the key (${vault.source}): ` +
        'a copy of the data folder alone cannot unlock it.',
    };
  }
  if (vault.inDataFolder) {
    return {
      ...base,
      summary:
        `The key is unlocked by a secret file next to it (${vault.source}): ` +
        'anyone who copies this folder has the key.',
      advice:
        host === 'headless'
          ? HEADLESS_ADVICE
          : 'Install and unlock a system keyring (GNOME Keyring or KWallet), then restart the app, so the keychain protects the key instead.',
    };
  }
  if (vault.protection === 'environment') {
    return {
      ...base,
      summary:
        `The key is unlocked by a passphrase from ${vault.source}, outside the data folder; ` +
        'it stays readable in /proc/<pid>/environ while the node runs.',
      advice: HEADLESS_ADVICE,
    };
  }
  return {
    ...base,
    summary:
      `The key is unlocked by a passphrase from ${vault.source}, outside the data folder: ` +
      'a copy of the data folder alone cannot unlock it.',
  };
}
