export {
  NodeIdentity,
  InvalidPrivateKeyError,
  type KeystoreEncryptOptions,
} from './node-identity.js';
export { personalMessageDigest } from './personal-message.js';
export {
  KeystoreError,
  KeystoreMissingError,
  KeystoreWrongSecretError,
  KeystoreSecretMissingError,
  KeystoreCorruptError,
} from './keystore-errors.js';
export { loadKeystore, saveKeystore, readKeystoreFile, keystoreAddress } from './keystore.js';
export {
  BackupFileError,
  BackupPassphraseError,
  ReplaceKeyNotConfirmedError,
  encryptKeyBackup,
  importKeyBackup,
  openKeyBackup,
  type ImportKeyOptions,
  type ImportKeyResult,
} from './key-backup.js';
export {
  loadOrCreateIdentity,
  readStoredNodeId,
  identityPaths,
  IdentityExistsError,
  type LoadOrCreateIdentityOptions,
  type LoadedIdentity,
} from './identity-store.js';
export {
  AccountBinding,
  AccountBindingError,
  parseAccountBinding,
  loadOwnerRecord,
  saveOwnerRecord,
  clearAccountBinding,
  accountBindingPath,
  OwnerRecord,
  OwnerState,
  NO_OWNER,
} from './account-binding.js';
export { OwnerBinder, type OwnerClaimSender } from './owner-binder.js';
export {
  SecretVaultError,
  type SecretVault,
  type VaultDescription,
  type VaultProtection,
} from './vaults/secret-vault.js';
export { PassphraseFileVault } from './vaults/passphrase-file-vault.js';
export { EnvVault, KEY_PASSPHRASE_ENV } from './vaults/env-vault.js';
export {
  chooseKeyVault,
  KeyVaultChoiceError,
  KEY_PASSPHRASE_CREDENTIAL,
  KEY_PASSPHRASE_FILE_ENV,
  type KeyVaultChoice,
} from './vaults/choose-key-vault.js';
export {
  SafeStorageVault,
  WEAK_KEYRING_WARNING,
  type AsyncSafeStorage,
  type LinuxStorageBackend,
} from './vaults/safe-storage-vault.js';
