import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from '../../../src-main/headless/options.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opts-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('headless options', () => {
  it('defaults to the local profile, info logs and the status line', async () => {
    expect(await parseOptions([], {})).toEqual({ profile: 'local', logLevel: 'info', json: false });
  });

  it('reads a config file and lets flags win over it', async () => {
    const file = join(dir, 'node.json');
    await writeFile(
      file,
      JSON.stringify({
        profile: 'testnet',
        runtimeUrl: 'http://127.0.0.1:8000',
        logLevel: 'debug',
      }),
    );
    const cfg = await parseOptions(['--config', file, '--log-level', 'warn', '--json'], {
      RESULTITY_RUNTIME_API_KEY: 'k-env',
    });
    expect(cfg).toEqual({
      profile: 'testnet',
      runtimeUrl: 'http://127.0.0.1:8000',
      runtimeApiKey: 'k-env',
      logLevel: 'warn',
      json: true,
    });
  });

  it('refuses unknown flags, unknown keys and bad values with a plain message', async () => {
    await expect(parseOptions(['--profle', 'local'], {})).rejects.toBeInstanceOf(UsageError);
    await expect(parseOptions(['--profile', 'moon'], {})).rejects.toThrow(/profile/);
    const file = join(dir, 'extra.json');
    await writeFile(file, JSON.stringify({ profile: 'local', passphrase: 'x' }));
    await expect(parseOptions(['--config', file], {})).rejects.toThrow(/passphrase/);
    await writeFile(file, '{ not json');
    await expect(parseOptions(['--config', file], {})).rejects.toThrow(/not valid JSON/);
  });

  it('returns null for --help', async () => {
    expect(await parseOptions(['--help'], {})).toBeNull();
  });
});
