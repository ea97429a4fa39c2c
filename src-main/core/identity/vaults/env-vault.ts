import { SecretVaultError, type SecretVault, type VaultDescription } from './secret-vault.js';

export const KEY_PASSPHRASE_ENV = 'RESULTITY_KEY_PASSPHRASE';
const SHORT_PASSPHRASE = 12;

/**
 * The secret comes from an environment variable the operator sets (headless rigs, CI). Weaker
 * than a file: the kernel keeps the process's initial environment in /proc/<pid>/environ for
 * the life of the process (readable by the same user and root), and Node cannot erase it;
 * deleting it from process.env only keeps it from child processes.
 */
export class EnvVault implements SecretVault {
  readonly kind = 'environment';

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
    readonly variable: string = KEY_PASSPHRASE_ENV,
  ) {}

  describe(): VaultDescription {
    const value = this.env[this.variable];
    const description: VaultDescription = {
      kind: this.kind,
      protection: 'environment',
      source: `the ${this.variable} environment variable`,
    };
    const environ =
      `The passphrase in ${this.variable} stays readable in /proc/<pid>/environ while the node ` +
      'runs (by your user and root; the node cannot erase it there). Prefer a passphrase file: ' +
      'RESULTITY_KEY_PASSPHRASE_FILE, or a systemd credential (docs/OPERATING.md).';
    description.warning =
      value && value.length < SHORT_PASSPHRASE
        ? `The passphrase in ${this.variable} is short (${value.length} characters): anyone ` +
          `who copies the key file could guess it. Use at least ${SHORT_PASSPHRASE} random ` +
          `characters. ${environ}`
        : environ;
    return description;
  }

  /** The variable cannot be created for the operator, so a missing one is always an error. */
  async loadSecret(): Promise<string> {
    const value = this.env[this.variable];
    if (value === undefined || value === '') {
      throw new SecretVaultError(
        'missing',
        `${this.variable} is ${value === undefined ? 'not set' : 'empty'}. The node encrypts ` +
          `its key with this passphrase. Set ${this.variable} to a long random passphrase and ` +
          'keep it safe: the same value is needed at every start, and a lost passphrase means ' +
          'a lost node identity.',
      );
    }
    return value;
  }

  loadOrCreateSecret(): Promise<string> {
    return this.loadSecret();
  }
}
