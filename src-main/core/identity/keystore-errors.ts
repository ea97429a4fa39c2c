/** What to do about a key file that cannot be used; shared by the messages below. */
const KEEP_SAFE =
  'The file was left exactly as it was. Restore the key from your backup (the file saved with ' +
  '"Back up the key": "Import key" in the desktop app, --import-key on a headless node), or, to start over with a new node identity, move the file somewhere else ' +
  'and start the node again (the new identity gets a different node ID).';

export abstract class KeystoreError extends Error {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No key file at the expected place. */
export class KeystoreMissingError extends KeystoreError {
  override readonly name = 'KeystoreMissingError';
  constructor(path: string) {
    super(path, `There is no node key file at ${path}.`);
  }
}

/**
 * The key file is well formed but its MAC does not match the secret we have: the secret is
 * wrong (most likely) or the encrypted bytes were altered; cryptography cannot tell these apart.
 */
export class KeystoreWrongSecretError extends KeystoreError {
  override readonly name: string = 'KeystoreWrongSecretError';
  constructor(path: string, secretSource: string, detail?: string, options?: { cause?: unknown }) {
    super(
      path,
      detail ??
        `The node key file ${path} could not be unlocked with the secret from ${secretSource}. ` +
          'Either the secret is not the one the key was saved with (for example a different ' +
          'passphrase, another user account, or a reset system keyring) or the file was ' +
          `modified. Provide the original secret. ${KEEP_SAFE}`,
      options,
    );
  }
}

/** The key file exists but the secret that unlocks it is gone from its vault. */
export class KeystoreSecretMissingError extends KeystoreWrongSecretError {
  override readonly name = 'KeystoreSecretMissingError';
  constructor(path: string, secretSource: string) {
    super(
      path,
      secretSource,
      `The node key file ${path} exists but the secret that unlocks it is missing from ` +
        `${secretSource}. Put the original secret back. A new secret was NOT created, because ` +
        `it could not unlock this key. ${KEEP_SAFE}`,
    );
  }
}

/** The key file is not a usable v3 key file (truncated, edited, or not a key file at all). */
export class KeystoreCorruptError extends KeystoreError {
  override readonly name = 'KeystoreCorruptError';
  constructor(
    path: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(path, `The node key file ${path} is damaged: ${detail}. ${KEEP_SAFE}`, options);
  }
}
