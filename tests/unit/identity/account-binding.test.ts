import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccountBindingError,
  accountBindingPath,
  clearAccountBinding,
  NO_OWNER,
  loadOwnerRecord,
  parseAccountBinding,
  saveOwnerRecord,
} from '../../../src-main/core/identity/account-binding.js';
import { ensureDataDirs, resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';

const CHECKSUMMED = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AccountBindingError);
    return (err as Error).message;
  }
  throw new Error('expected an AccountBindingError');
}

describe('parseAccountBinding', () => {
  it('normalises a wallet address to its EIP-55 checksum', () => {
    expect(parseAccountBinding({ kind: 'wallet', address: CHECKSUMMED.toLowerCase() })).toEqual({
      kind: 'wallet',
      address: CHECKSUMMED,
    });
    expect(
      parseAccountBinding({
        kind: 'wallet',
        address: ` ${CHECKSUMMED.toUpperCase().replace('0X', '0x')} `,
      }),
    ).toEqual({
      kind: 'wallet',
      address: CHECKSUMMED,
    });
  });

  it('rejects bad wallet addresses with readable messages', () => {
    expect(messageOf(() => parseAccountBinding({ kind: 'wallet', address: '0x1234' }))).toMatch(
      /0x followed by 40 hexadecimal characters/,
    );
    // One letter's case flipped: a mistyped checksum.
    const typo = CHECKSUMMED.replace('Fd6', 'fd6');
    expect(messageOf(() => parseAccountBinding({ kind: 'wallet', address: typo }))).toMatch(
      /wrong checksum.*typo/,
    );
    expect(
      messageOf(() => parseAccountBinding({ kind: 'wallet', address: '0x' + '0'.repeat(40) })),
    ).toMatch(/zero address/);
  });

  it('accepts a valid email (trimmed) and rejects a bad one', () => {
    expect(parseAccountBinding({ kind: 'email', email: ' ops@example.com ' })).toEqual({
      kind: 'email',
      email: 'ops@example.com',
    });
    for (const bad of ['ops', 'ops@', '@example.com', 'ops example@x.com']) {
      expect(messageOf(() => parseAccountBinding({ kind: 'email', email: bad }))).toMatch(
        /not a valid email address/,
      );
    }
  });

  it('rejects an unknown kind, a non-object and a missing field in plain words', () => {
    for (const input of [{ kind: 'phone', number: '1' }, 'x', null]) {
      expect(messageOf(() => parseAccountBinding(input))).toBe(
        'The owner must be a wallet address or an email address.',
      );
    }
    expect(messageOf(() => parseAccountBinding({ kind: 'wallet' }))).toBe(
      'A wallet address is required.',
    );
    expect(messageOf(() => parseAccountBinding({ kind: 'email', email: 5 }))).toBe(
      'An email address is required.',
    );
  });
});

describe('account binding file', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'binding-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('saves, loads and clears per network; reads a pre-proof file as unproven', async () => {
    const testnet = resolveDataDirs(root, 'testnet');
    const mainnet = resolveDataDirs(root, 'mainnet');
    await ensureDataDirs(testnet);
    await ensureDataDirs(mainnet);
    expect(await loadOwnerRecord(testnet)).toEqual(NO_OWNER);
    const record = {
      owner: { kind: 'wallet' as const, address: CHECKSUMMED },
      proof: { message: 'signed text', signature: `0x${'ab'.repeat(65)}` },
      state: 'pending' as const,
    };
    await saveOwnerRecord(testnet, record);
    expect(await loadOwnerRecord(testnet)).toEqual(record);
    expect(await loadOwnerRecord(mainnet)).toEqual(NO_OWNER);
    if (process.platform !== 'win32') {
      expect((await stat(accountBindingPath(testnet))).mode & 0o777).toBe(0o600);
    }
    await writeFile(
      accountBindingPath(mainnet),
      JSON.stringify({ kind: 'wallet', address: CHECKSUMMED.toLowerCase() }),
    );
    expect(await loadOwnerRecord(mainnet)).toEqual({
      owner: { kind: 'wallet', address: CHECKSUMMED },
      state: 'unproven',
    });
    await clearAccountBinding(testnet);
    expect(await loadOwnerRecord(testnet)).toEqual(NO_OWNER);
    await clearAccountBinding(testnet); // idempotent
  });

  it('refuses to save an invalid record and reports an unreadable file clearly', async () => {
    const dirs = resolveDataDirs(root, 'local');
    await ensureDataDirs(dirs);
    await expect(
      saveOwnerRecord(dirs, { owner: { kind: 'email', email: 'nope' }, state: 'pending' }),
    ).rejects.toThrow();
    await expect(readFile(accountBindingPath(dirs))).rejects.toThrow();
    await writeFile(accountBindingPath(dirs), '{"kind":"wallet","address":"0x12"}');
    const err = await loadOwnerRecord(dirs).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccountBindingError);
    expect((err as Error).message).toContain(accountBindingPath(dirs));
    expect((err as Error).message).toMatch(/Bind the owner again/);
  });
});
