import { z } from 'zod';
import { EpochMs, HexSignature, RawAddress } from './common.js';

/** An account as the network names it: a wallet address or an email address. */
export const OwnerRef = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('wallet'), address: RawAddress }),
  z.looseObject({ kind: z.literal('email'), email: z.email().max(254) }),
]);
export type OwnerRef = z.infer<typeof OwnerRef>;

/** An email code: 6 digits, as the network mailed it. */
export const EmailCode = z.string().regex(/^[0-9]{6}$/, 'must be the 6-digit code from the email');

/**
 * The owner a node claims, with its proof: a wallet's EIP-191 signature over the binding
 * message, or the code the network mailed to the address. A claim without proof is answered
 * (`refused` for a wallet, a new code for an email) and changes nothing.
 */
export const AccountBindingWire = z.discriminatedUnion('kind', [
  z.looseObject({
    kind: z.literal('wallet'),
    address: RawAddress,
    message: z
      .string()
      .max(2000)
      .optional()
      .describe('the binding message (see Account binding), signed by the wallet'),
    signature: HexSignature.optional().describe('personal_sign of `message` by `address`'),
  }),
  z.looseObject({
    kind: z.literal('email'),
    email: z.email().max(254),
    code: EmailCode.optional().describe('the code the network mailed; absent: mail a new code'),
  }),
]);
export type AccountBindingWire = z.infer<typeof AccountBindingWire>;

/** The network's answer about a node's owner (to a claim, a registration or a heartbeat). */
export const OwnerStatus = z.looseObject({
  state: z
    .enum(['unbound', 'bound', 'code_sent', 'refused'])
    .describe('refused: this claim was not accepted; a previous owner stays bound'),
  owner: OwnerRef.nullable().describe('the verified owner the network holds, or null'),
  verified_at: EpochMs.optional().describe('when `owner` was verified (network clock)'),
  reason: z.string().max(500).optional().describe('why, in plain words (refused, code_sent)'),
});
export type OwnerStatus = z.infer<typeof OwnerStatus>;

/** Body of `owner_binding`: the node sends a new owner claim. */
export const OwnerBindingBody = z.looseObject({ owner: AccountBindingWire });
export type OwnerBindingBody = z.infer<typeof OwnerBindingBody>;

/** The node's own view of its owner, carried by heartbeats. */
export const AccountState = z.looseObject({
  owner: OwnerRef.nullable().describe('the owner set on the node, or null'),
  state: z
    .enum(['none', 'unproven', 'pending', 'code_sent', 'bound', 'refused'])
    .describe('unproven: saved without proof; pending: proof not yet answered'),
});
export type AccountState = z.infer<typeof AccountState>;
