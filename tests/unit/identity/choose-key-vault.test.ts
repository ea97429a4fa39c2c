// Where a headless node's key passphrase comes from: systemd credential, a named file, the
// environment variable (with its /proc/<pid>/environ warning), or the data folder's own file.
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chooseKeyVault,
  KeyVaultChoiceError,
} from '../../../src-main/core/identity/vaults/choose-key-vault.js';
import { SecretVaultError } from '../../../src-main/core/identity/vaults/secret-vault.js';

let dir: string;
let own: string;
let scrubbed: string[];
let paths: { passphraseFile: string };
const scrub = (name: string) => scrubbed.push(name);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'key-vault-'));
  own = join(dir, 'data', 'keys', 'node-key.secret');
  paths = { passphraseFile: own };
  scrubbed = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function secretFile(name: string, content: string, mode = 0o600): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
  await chmod(path, mode);
  return path;
}

describe('chooseKeyVault', () => {
  it('uses the systemd credential when $CREDENTIALS_DIRECTORY has it (0400, as systemd makes it)', async () => {
    await secretFile('creds/resultity-key-passphrase', 'from LoadCredential\n', 0o400);
    const { vault: make, from } = await chooseKeyVault(
      { CREDENTIALS_DIRECTORY: join(dir, 'creds') },
      scrub,
    );
    expect(from).toBe('systemd-credential');
    const vault = make(paths);
    expect(await vault.loadOrCreateSecret()).toBe('from LoadCredential');
    expect(vault.describe()).toMatchObject({
      protection: 'file',
      source: 'the systemd credential resultity-key-passphrase',
    });
    expect(vault.describe().warning).toBeUndefined();
  });

  it('a credentials folder without our credential falls through to the other sources', async () => {
    await mkdir(join(dir, 'creds'));
    const { from } = await chooseKeyVault({ CREDENTIALS_DIRECTORY: join(dir, 'creds') }, scrub);
    expect(from).toBe('data-folder-file');
  });

  it('uses RESULTITY_KEY_PASSPHRASE_FILE, never creates it, and refuses one others can read', async () => {
    const file = await secretFile('pass', 'from a file\n');
    const choice = await chooseKeyVault({ RESULTITY_KEY_PASSPHRASE_FILE: file }, scrub);
    expect(choice.from).toBe('passphrase-file-setting');
    expect(await choice.vault(paths).loadOrCreateSecret()).toBe('from a file');

    const missing = join(dir, 'missing');
    const gone = await chooseKeyVault({ RESULTITY_KEY_PASSPHRASE_FILE: missing }, scrub);
    const err = await gone
      .vault(paths)
      .loadOrCreateSecret()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretVaultError);
    expect((err as Error).message).toMatch(/RESULTITY_KEY_PASSPHRASE_FILE\) does not exist/);

    await chmod(file, 0o644);
    await expect(choice.vault(paths).loadOrCreateSecret()).rejects.toThrow(/chmod 600/);
    await expect(
      chooseKeyVault({ RESULTITY_KEY_PASSPHRASE_FILE: 'relative/pass' }, scrub),
    ).rejects.toThrow(/must be an absolute path/);
  });

  it('takes RESULTITY_KEY_PASSPHRASE with a warning about /proc/<pid>/environ, and scrubs it', async () => {
    const { vault: make, from } = await chooseKeyVault(
      { RESULTITY_KEY_PASSPHRASE: 'a long enough passphrase' },
      scrub,
    );
    expect(from).toBe('environment');
    const vault = make(paths);
    expect(await vault.loadOrCreateSecret()).toBe('a long enough passphrase');
    expect(vault.describe().warning).toMatch(/\/proc\/<pid>\/environ/);
    expect(vault.describe().warning).toMatch(
      /RESULTITY_KEY_PASSPHRASE_FILE, or a systemd credential/,
    );
    expect(scrubbed).toEqual(['RESULTITY_KEY_PASSPHRASE']);
  });

  it('refuses a passphrase variable together with a file: which one is meant?', async () => {
    const file = await secretFile('pass', 'x'.repeat(20));
    await expect(
      chooseKeyVault(
        { RESULTITY_KEY_PASSPHRASE: 'also set', RESULTITY_KEY_PASSPHRASE_FILE: file },
        scrub,
      ),
    ).rejects.toThrow(KeyVaultChoiceError);
    // Still scrubbed: the value must not reach child processes even on this path.
    expect(scrubbed).toEqual(['RESULTITY_KEY_PASSPHRASE']);
  });

  it('otherwise keeps its own random passphrase in a 0600 file of the data folder', async () => {
    const { vault: make, from } = await chooseKeyVault({}, scrub);
    expect(from).toBe('data-folder-file');
    const vault = make(paths);
    expect(vault.describe().source).toContain(own);
    expect(await vault.loadOrCreateSecret()).toMatch(/^[0-9a-f]{64}$/);
    expect(scrubbed).toEqual([]);
  });
});

describe.runIf(process.platform === 'linux')('/proc/<pid>/environ (why the file is safer)', () => {
  it('deleting the variable from process.env does not remove it from /proc/self/environ', () => {
    // What the docs say: Node cannot scrub the initial environment block the kernel exposes.
    const probe = [
      "const fs = require('node:fs');",
      'delete process.env.RN_PROBE_SECRET;',
      "const environ = fs.readFileSync('/proc/self/environ', 'latin1');",
      'process.stdout.write(JSON.stringify({',
      "  inProcessEnv: 'RN_PROBE_SECRET' in process.env,",
      "  inProcEnviron: environ.split('\\0').includes('RN_PROBE_SECRET=hunter2-passphrase'),",
      '}));',
    ].join('\n');
    const out = spawnSync(process.execPath, ['-e', probe], {
      env: { PATH: process.env.PATH ?? '', RN_PROBE_SECRET: 'hunter2-passphrase' },
      encoding: 'utf8',
    });
    expect(JSON.parse(out.stdout)).toEqual({ inProcessEnv: false, inProcEnviron: true });
  });
});
