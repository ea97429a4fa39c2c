import { hashMessage, SigningKey, Wallet } from 'ethers';
import type { MessageSigner } from '../../src-main/core/protocol/signer.js';

/** A throwaway signer for tests (the node's real identity lives in src-main/core/identity). */
export function testSigner(privateKey?: string): MessageSigner {
  const key = new SigningKey(privateKey ?? Wallet.createRandom().privateKey);
  const address = new Wallet(key).address;
  return { address, signMessage: (m: string) => key.sign(hashMessage(m)).serialized };
}

export function fixedClock(start = 1_800_000_000_000): {
  now(): number;
  advance(ms: number): void;
} {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}
