import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ZeroAddress, getAddress } from 'ethers';
import { z } from 'zod';
import { JsonFileError, readJsonFile, writeFileAtomic } from '../store/atomic-file.js';
import type { DataDirs } from '../store/data-dirs.js';

/** The account that owns this node on one network: an EVM wallet or an email address. */

const WalletAddress = z
  .string({ error: 'A wallet address is required.' })
  .trim()
  .regex(/^0x[0-9a-fA-F]{40}$/, {
    message:
      'A wallet address is 0x followed by 40 hexadecimal characters; check that it was copied whole.',
  })
  .transform((value, ctx) => {
    try {
      return getAddress(value);
    } catch {
      // Mixed case that fails EIP-55 means a mistyped character, not a formatting choice.
      ctx.addIssue({
        code: 'custom',
        message:
          'The wallet address has a wrong checksum (upper/lower case letters do not match), ' +
          'which usually means a typo. Copy it again from your wallet.',
      });
      return z.NEVER;
    }
  })
  .refine((address) => address !== ZeroAddress, {
    message: 'The zero address cannot own a node; use your own wallet address.',
  });

const Email = z
  .string({ error: 'An email address is required.' })
  .trim()
  .pipe(z.email({ message: 'That is not a valid email address (expected name@example.com).' }));

const OWNER_KINDS = 'The owner must be a wallet address or an email address.';

export const AccountBinding = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('wallet'), address: WalletAddress }),
    z.object({ kind: z.literal('email'), email: Email }),
  ],
  { error: OWNER_KINDS },
);
export type AccountBinding = z.output<typeof AccountBinding>;

export class AccountBindingError extends Error {
  override readonly name = 'AccountBindingError';
}

/** Validates and normalises (EIP-55 checksum, trimmed) user input. */
export function parseAccountBinding(input: unknown): AccountBinding {
  const parsed = AccountBinding.safeParse(input);
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((issue) => issue.message);
  throw new AccountBindingError([...new Set(messages)].join(' '));
}

export function accountBindingPath(dirs: DataDirs): string {
  return join(dirs.settings, 'account-binding.json');
}

/** The saved owner of the node on this network, or undefined if none was set. */
export async function loadAccountBinding(dirs: DataDirs): Promise<AccountBinding | undefined> {
  const path = accountBindingPath(dirs);
  try {
    return await readJsonFile(path, AccountBinding);
  } catch (err) {
    if (err instanceof JsonFileError && err.problem === 'missing') return undefined;
    if (err instanceof JsonFileError) {
      throw new AccountBindingError(
        `The saved node owner could not be read (${err.message}). Set the owner again in the ` +
          'app; this replaces the file.',
        { cause: err },
      );
    }
    throw err;
  }
}

export async function saveAccountBinding(
  dirs: DataDirs,
  binding: AccountBinding,
): Promise<AccountBinding> {
  const valid = parseAccountBinding(binding);
  await writeFileAtomic(accountBindingPath(dirs), `${JSON.stringify(valid, null, 2)}\n`, {
    mode: 0o600,
  });
  return valid;
}

export async function clearAccountBinding(dirs: DataDirs): Promise<void> {
  await rm(accountBindingPath(dirs), { force: true });
}
