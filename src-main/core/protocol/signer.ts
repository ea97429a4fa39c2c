import { getAddress, verifyMessage } from 'ethers';
import { BadSignatureError } from './errors.js';

/** What signs node messages: the node identity (private key stays inside it) or the network key. */
export interface MessageSigner {
  readonly address: string;
  /** EIP-191 personal-sign of `message`, as a 65-byte 0x-hex signature. */
  signMessage(message: string): string;
}

/** Recovers the EIP-191 signer of `message`; throws BadSignatureError when the signature is unusable. */
export function recoverSigner(message: string, signature: string): string {
  try {
    return getAddress(verifyMessage(message, signature));
  } catch (err) {
    throw new BadSignatureError(
      `signature cannot be verified: ${(err as Error).message.split(' (')[0]}`,
    );
  }
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
