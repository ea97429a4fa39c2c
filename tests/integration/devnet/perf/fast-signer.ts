import { computeAddress, getBytes, hashMessage, hexlify, SigningKey } from 'ethers';
import * as ecc from 'tiny-secp256k1';
import type { MessageSigner } from '../../../../src-main/core/protocol/signer.js';

/** An EIP-191 signer on libsecp256k1 (WASM), so a load-generating client is not the bottleneck. */
export function fastSigner(privateKey: string): MessageSigner {
  const d = getBytes(privateKey);
  return {
    address: computeAddress(new SigningKey(privateKey).publicKey),
    signMessage(message: string): string {
      const { signature, recoveryId } = ecc.signRecoverable(getBytes(hashMessage(message)), d);
      return hexlify(signature) + (27 + recoveryId).toString(16);
    },
  };
}
