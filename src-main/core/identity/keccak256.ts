import { keccak_256 } from '@noble/hashes/sha3.js';
import type { IHasher } from 'hash-wasm';
import keccakOnly from 'hash-wasm/dist/keccak.umd.min.js';

/**
 * hash-wasm's Keccak (WebAssembly) once compiled: every job signs two messages, and it hashes a
 * signed frame ~9× faster than @noble/hashes' keccak_256, which was ~5 % of the node's CPU at the
 * benchmark's ceiling. WebAssembly compiles asynchronously; until it has (or if it cannot),
 * @noble/hashes gives the same digest.
 */
let wasm: IHasher | null = null;
const ready: Promise<boolean> = keccakOnly.createKeccak(256).then(
  (hasher) => {
    wasm = hasher;
    return true;
  },
  () => false,
);

/** Resolves once the WebAssembly hasher is in use (false: it could not be compiled here). */
export function keccakWasmReady(): Promise<boolean> {
  return ready;
}

/** Keccak-256 with the original Keccak padding (what Ethereum calls keccak256; not SHA3-256). */
export function keccak256(data: Uint8Array): Uint8Array {
  if (wasm === null) return keccak_256(data);
  // Synchronous from init to digest, so one hasher serves the whole process.
  wasm.init();
  wasm.update(data);
  return wasm.digest('binary');
}
