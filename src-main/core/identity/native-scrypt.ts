import { scrypt as nodeScrypt } from 'node:crypto';
import { scrypt as ethersScrypt } from 'ethers';

/*
 * Key files use scrypt with N = 2^17, r = 8: 128 MiB of working memory. ethers computes it in
 * JavaScript, on a 128 MiB typed array that stays in the heap until a major GC, which an idle
 * node may not run for a long time (the headless node sat at ~250 MB RSS; ~110 MB with this).
 * Node's own scrypt (OpenSSL, in the libuv thread pool) gives the same bytes, frees its memory
 * at once and does not occupy the event loop. Registered once, for every ethers keystore call.
 */
ethersScrypt.register(
  (passwd, salt, N, r, p, dkLen) =>
    new Promise<Uint8Array>((resolve, reject) => {
      nodeScrypt(
        passwd,
        salt,
        dkLen,
        { N, r, p, maxmem: 128 * N * r * p + 16 * 1024 * 1024 },
        (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))),
      );
    }),
);
