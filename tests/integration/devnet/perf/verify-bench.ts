// Signature verifications per second on one core: ethers' recovery (what verifyEnvelope does
// without a known key) against the devnet's check against the registered key.
// Run: npx tsx tests/integration/devnet/perf/verify-bench.ts
import { SigningKey, Wallet, hashMessage, verifyMessage } from 'ethers';
import * as ecc from 'tiny-secp256k1';
import {
  eip191Hash,
  signatureCheckFor,
  VERIFIER_BACKEND,
} from '../../../../src-main/devnet/io/key-verifier.js';
import { signingPayload, signEnvelope } from '../../../../src-main/core/protocol/envelope.js';
import { sha256Hex } from '../../../../src-main/core/protocol/canonical.js';
import { testSigner } from '../../../helpers/keys.js';

const pk = Wallet.createRandom().privateKey;
const signer = testSigner(pk);
const publicKey = new SigningKey(pk).publicKey;
const clock = { now: () => Date.now() };
const output = 'The quiet river. '.repeat(20);
const payloads = Array.from({ length: 500 }, (_, i) => {
  const env = signEnvelope(
    signer,
    'job_result',
    {
      job_id: `j-${i}`,
      model: 'sim-chat-1b',
      status: 'completed',
      output,
      output_hash: sha256Hex(output),
      finish_reason: 'stop',
      usage: { prompt_tokens: 64, completion_tokens: 80 },
      timings: { received_at: 1, started_at: 1, first_token_at: 1, finished_at: 2, runtime_ms: 1 },
      config_digest: null,
    },
    clock,
  );
  return { payload: signingPayload(env), sig: env.sig };
});

function bench(
  name: string,
  n: number,
  fn: (p: { payload: string; sig: string }) => boolean,
): void {
  for (let i = 0; i < 50; i++) fn(payloads[i % payloads.length]!);
  const t = performance.now();
  for (let i = 0; i < n; i++)
    if (!fn(payloads[i % payloads.length]!)) throw new Error(`${name}: verification failed`);
  const perSec = (n / (performance.now() - t)) * 1000;
  console.log(`${name.padEnd(52)} ${Math.round(perSec).toString().padStart(6)} /s`);
}

const check = signatureCheckFor(publicKey);
const pub = Buffer.from(publicKey.slice(2), 'hex');
bench(
  'ethers verifyMessage (recover + compare)',
  1000,
  (p) => verifyMessage(p.payload, p.sig) === signer.address,
);
bench(`devnet: keccak + ${VERIFIER_BACKEND} (registered key)`, 20_000, (p) =>
  check(p.payload, p.sig),
);
bench('same with libsecp256k1 (wasm, the fallback)', 5000, (p) =>
  ecc.verify(eip191Hash(p.payload), pub, Buffer.from(p.sig.slice(2, 130), 'hex'), true),
);
bench('keccak EIP-191 hash alone', 20_000, (p) => hashMessage(p.payload).length === 66);
