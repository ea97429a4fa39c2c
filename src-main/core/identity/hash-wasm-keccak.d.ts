// hash-wasm's Keccak-only build (11 KB) instead of its index, which carries every algorithm's
// WebAssembly (280 KB) into the node's memory.
declare module 'hash-wasm/dist/keccak.umd.min.js' {
  import type { createKeccak } from 'hash-wasm';
  const keccakOnly: { createKeccak: typeof createKeccak };
  export default keccakOnly;
}
