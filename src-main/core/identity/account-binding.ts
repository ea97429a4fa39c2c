import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ZeroAddress, getAddress } from 'ethers';
import { z } from 'zod';
import { JsonFileError, readJsonFile, writeFileAtomic } from '../store/atomic-file.js';
import type { DataDirs } from '../store/data-dirs.js';
import { HexSignature } from '../protocol/schemas/common.js';

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

/** Where the owner stands, as this node knows it (docs/PROTOCOL.md, Account binding). */
export const OwnerState = z.enum(['none', 'unproven', 'pending', 'code_sent', 'bound', 'refused']);
export type OwnerState = z.infer<typeof OwnerState>;

/** The owner set on this node, its proof and the network's last answer about it. */
export const OwnerRecord = z.object({
  owner: AccountBinding.nullable(),
  /** The signed binding message of a wallet owner. */
  proof: z.object({ message: z.string().max(2000), signature: HexSignature }).optional(),
  state: OwnerState,
  reason: z.string().max(500).optional(),
  verified_at: z.number().int().nonnegative().optional(),
  /** The verified owner the network last said it holds (absent: not heard yet). */
  network_owner: AccountBinding.nullable().optional(),
});
export type OwnerRecord = z.output<typeof OwnerRecord>;

export const NO_OWNER: OwnerRecord = { owner: null, state: 'none' };

// Files written before owners needed proof hold a bare wallet or email: kept, marked unproven.
const OwnerFile = z.union([
  OwnerRecord,
  AccountBinding.transform((owner): OwnerRecord => ({ owner, state: 'unproven' })),
]);

/** The saved owner record of the node on this network (none when nothing was set). */
export async function loadOwnerRecord(dirs: DataDirs): Promise<OwnerRecord> {
  const path = accountBindingPath(dirs);
  try {
    return await readJsonFile(path, OwnerFile);
  } catch (err) {
    if (err instanceof JsonFileError && err.problem === 'missing') return NO_OWNER;
    if (err instanceof JsonFileError) {
      throw new AccountBindingError(
        `The saved node owner could not be read (${err.message}). Bind the owner again in ` +
          'Settings; this replaces the file.',
        { cause: err },
      );
    }
    throw err;
  }
}

export async function saveOwnerRecord(dirs: DataDirs, record: OwnerRecord): Promise<void> {
  const valid = OwnerRecord.parse(record);
  await writeFileAtomic(accountBindingPath(dirs), `${JSON.stringify(valid, null, 2)}\n`, {
    mode: 0o600,
  });
}

export async function clearAccountBinding(dirs: DataDirs): Promise<void> {
  await rm(accountBindingPath(dirs), { force: true });
}
