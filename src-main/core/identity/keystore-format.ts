import { z } from 'zod';

/**
 * Structural schema of a Web3 Secret Storage v3 key file, checked BEFORE any decryption. Every
 * field that could make a correct secret fail is pinned down here (lengths, hex, KDF limits,
 * a MAC without 0x as ethers compares it), so that after this check a MAC mismatch can only
 * mean the secret is wrong or the ciphertext bytes were altered; see keystore.ts.
 */
const hexBytes = (bytes: number, what: string) =>
  z
    .string()
    .regex(new RegExp(`^(0x)?[0-9a-fA-F]{${bytes * 2}}$`), `${what} must be ${bytes} bytes of hex`);

const saltHex = z
  .string()
  .regex(/^(0x)?([0-9a-fA-F]{2}){8,64}$/, 'salt must be 8 to 64 bytes of hex');

const ScryptParams = z
  .object({
    salt: saltHex,
    n: z
      .number()
      .int()
      .min(2)
      .max(2 ** 20)
      .refine((n) => (n & (n - 1)) === 0, 'n must be a power of 2'),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    dklen: z.literal(32),
  })
  // Bound the memory scrypt would allocate (128·N·r bytes) to 1 GiB.
  .refine((k) => k.n * k.r <= 2 ** 23, 'scrypt parameters would need more than 1 GiB of memory');

const Pbkdf2Params = z.object({
  salt: saltHex,
  c: z.number().int().min(1).max(10_000_000),
  prf: z.enum(['hmac-sha256', 'hmac-sha512']),
  dklen: z.literal(32),
});

const common = {
  cipher: z.literal('aes-128-ctr'),
  cipherparams: z.object({ iv: hexBytes(16, 'iv') }),
  ciphertext: hexBytes(32, 'ciphertext'),
  // ethers compares the MAC as lower-case hex without 0x.
  mac: z.string().regex(/^[0-9a-fA-F]{64}$/, 'mac must be 32 bytes of hex without 0x'),
};

const KeystoreCrypto = z.discriminatedUnion('kdf', [
  z.object({ ...common, kdf: z.literal('scrypt'), kdfparams: ScryptParams }),
  z.object({ ...common, kdf: z.literal('pbkdf2'), kdfparams: Pbkdf2Params }),
]);

/** ethers writes `Crypto`, geth writes `crypto`; both are standard. Exactly one must exist. */
function liftCrypto(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value).filter((k) => k.toLowerCase() === 'crypto');
  if (keys.length !== 1) return { ...value, crypto: undefined };
  const record = value as Record<string, unknown>;
  return { ...record, crypto: record[keys[0]!] };
}

export const KeystoreV3 = z.preprocess(
  liftCrypto,
  z.object({
    version: z.literal(3),
    id: z.string().optional(),
    address: z
      .string()
      .regex(/^(0x)?[0-9a-fA-F]{40}$/, 'address must be 20 bytes of hex')
      .optional(),
    crypto: KeystoreCrypto,
  }),
);
export type KeystoreV3 = z.infer<typeof KeystoreV3>;

/** Key files are a few hundred bytes; anything far larger is not ours. */
export const MAX_KEYSTORE_BYTES = 64 * 1024;
