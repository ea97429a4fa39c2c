import { keccak_256 } from '@noble/hashes/sha3.js';

/**
 * The EIP-191 "personal message" digest a node signature covers:
 * keccak256("\x19Ethereum Signed Message:\n" + byte length + UTF-8 bytes of `message`).
 * The length counts UTF-8 bytes, not UTF-16 units, so non-ASCII text signs correctly.
 */
export function personalMessageDigest(message: string): Uint8Array {
  const text = Buffer.from(message, 'utf8');
  const prefix = Buffer.from(`\x19Ethereum Signed Message:\n${text.length}`, 'utf8');
  return keccak_256(Buffer.concat([prefix, text]));
}
