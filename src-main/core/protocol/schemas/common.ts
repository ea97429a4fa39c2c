import { getAddress, isAddress } from 'ethers';
import { z } from 'zod';

/** EVM address exactly as sent (signed bytes must not be rewritten). */
export const RawAddress = z
  .string()
  .refine((s) => isAddress(s), 'must be a 0x-prefixed 20-byte EVM address')
  .describe('0x + 40 hex EVM address (EIP-55 checksum casing optional, checked when mixed)');

/** EVM address, normalised to its EIP-55 checksum form. */
export const Address = RawAddress.transform((s) => getAddress(s));

export const HexSignature = z
  .string()
  .regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte 0x-hex signature')
  .describe('EIP-191 signature r‖s‖v, 0x + 130 hex');
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');
export const Digest = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" + 64 hex characters');
export const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'must be 1–128 of A-Z a-z 0-9 . _ : -');
/**
 * A model's served name as vLLM serves it (`--served-model-name`), `org/name` included: 1–128
 * of A-Z a-z 0-9 . _ : / -, starting with a letter or digit, without "..".
 */
export const ServedModelName = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    'must be 1–128 of A-Z a-z 0-9 . _ : / -, starting with a letter or digit',
  )
  .refine((s) => !s.includes('..'), 'must not contain ".."')
  .describe(
    'served model name as vLLM serves it, org/name allowed: 1–128 of A-Z a-z 0-9 . _ : / -, first a letter or digit, no ".."',
  );
export const EpochMs = z.number().int().nonnegative().describe('Unix epoch milliseconds');
export const NonNegInt = z.number().int().nonnegative();

/** Error body every HTTP endpoint returns on failure. */
export const WireError = z.looseObject({
  error: z.looseObject({ code: z.string(), message: z.string(), server_time: EpochMs.optional() }),
});
export type WireError = z.infer<typeof WireError>;
