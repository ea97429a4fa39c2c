import { createRequire } from 'node:module';
import { computeAddress, hexlify, SigningKey } from 'ethers';
import type { MessageSigner } from '../../../../src-main/core/protocol/signer.js';
import { eip191Hash } from '../../../../src-main/devnet/io/key-verifier.js';

interface NativeSign {
  ecdsaSign(msg32: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
}
const native = createRequire(import.meta.url)('secp256k1/bindings.js') as NativeSign;

/** An EIP-191 signer on native libsecp256k1, so a load-generating client is not the bottleneck. */
export function fastSigner(privateKey: string): MessageSigner {
  const d = Buffer.from(privateKey.slice(2), 'hex');
  return {
    address: computeAddress(new SigningKey(privateKey).publicKey),
    signMessage(message: string): string {
      const { signature, recid } = native.ecdsaSign(eip191Hash(message), d);
      return hexlify(signature) + (27 + recid).toString(16);
    },
  };
}
