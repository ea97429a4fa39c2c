import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { keccak256, keccakWasmReady } from '../../../src-main/core/identity/keccak256.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Deterministic bytes (xorshift32), so a failure names an input that can be replayed. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('keccak256', () => {
  it('hashes with the WebAssembly hasher once it has compiled, and each digest is its own copy', async () => {
    expect(await keccakWasmReady()).toBe(true);
    const first = keccak256(Buffer.from('abc'));
    const second = keccak256(new Uint8Array(0));
    expect(hex(first)).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
    expect(hex(second)).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  });

  it('gives the published Keccak-256 digests', () => {
    expect(hex(keccak256(new Uint8Array(0)))).toBe(
      'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    );
    expect(hex(keccak256(Buffer.from('abc')))).toBe(
      '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
    );
  });

  it('equals @noble/hashes keccak_256 for every length around the 136-byte block edges', () => {
    for (let length = 0; length <= 3 * 136 + 2; length++) {
      const data = bytes(length, length + 7);
      expect(hex(keccak256(data)), `length ${length}`).toBe(hex(keccak_256(data)));
    }
  });

  it('equals @noble/hashes keccak_256 on large inputs and on views into larger buffers', () => {
    const big = bytes(1024 * 1024 + 5, 99);
    expect(hex(keccak256(big))).toBe(hex(keccak_256(big)));
    const view = big.subarray(3, 3 + 1000);
    expect(hex(keccak256(view))).toBe(hex(keccak_256(view)));
  });
});
