import { hashMessage, SigningKey, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { NonceCache } from '../../../src-main/core/protocol/nonce-cache.js';
import { signEnvelope, verifyEnvelope } from '../../../src-main/core/protocol/envelope.js';
import {
  eip191Hash,
  signatureCheckFor,
  VERIFIER_BACKEND,
} from '../../../src-main/devnet/io/key-verifier.js';
import { testSigner } from '../../helpers/keys.js';

describe('devnet signature check against a registered key', () => {
  const pk = Wallet.createRandom().privateKey;
  const signer = testSigner(pk);
  const check = signatureCheckFor(new SigningKey(pk).publicKey);

  it('uses the native libsecp256k1 addon where the package ships one (linux-x64 here)', () => {
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(VERIFIER_BACKEND).toBe('libsecp256k1 (native)');
    } else {
      expect(VERIFIER_BACKEND).toMatch(/^libsecp256k1/);
    }
  });

  it('hashes like ethers hashMessage (EIP-191), also for non-ASCII text', () => {
    for (const m of ['', 'hello', 'héllo ✓ 日本', 'x'.repeat(5000)]) {
      expect(Buffer.from(eip191Hash(m)).toString('hex')).toBe(hashMessage(m).slice(2));
    }
  });

  it('accepts the key owner signature and refuses every alteration', () => {
    const sig = signer.signMessage('payload');
    expect(check('payload', sig)).toBe(true);
    expect(check('payload!', sig)).toBe(false);
    expect(check('payload', testSigner().signMessage('payload'))).toBe(false);
    const flipped = sig.slice(0, 10) + (sig[10] === 'a' ? 'b' : 'a') + sig.slice(11);
    expect(check('payload', flipped)).toBe(false);
    expect(check('payload', `${sig.slice(0, 130)}05`)).toBe(false);
    expect(check('payload', sig.slice(0, 100))).toBe(false);
    expect(check('payload', `0x${'00'.repeat(65)}`)).toBe(false);
  });

  it('refuses a high-S (malleated) signature, as ethers does', () => {
    const sig = signer.signMessage('payload');
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const highS = (n - s).toString(16).padStart(64, '0');
    expect(check('payload', `${sig.slice(0, 66)}${highS}${sig.slice(130)}`)).toBe(false);
  });

  it('plugs into verifyEnvelope with the same outcomes as recovery', () => {
    const clock = { now: () => 1_000_000 };
    const env = signEnvelope(signer, 'job_result', { job_id: 'a' }, clock);
    const opts = () => ({ nowMs: 1_000_000, nonces: new NonceCache(60_000) });
    const fast = {
      verifySignature: (p: string, s: string) => check(p, s),
      expectNodeId: signer.address,
    };
    expect(verifyEnvelope(env, { ...opts(), ...fast }).body).toEqual({ job_id: 'a' });
    expect(verifyEnvelope(env, opts()).body).toEqual({ job_id: 'a' });
    const tampered = { ...env, body: { job_id: 'b' } };
    expect(() => verifyEnvelope(tampered, { ...opts(), ...fast })).toThrow(
      /does not match the key/,
    );
    expect(() =>
      verifyEnvelope(env, { ...opts(), ...fast, expectNodeId: testSigner().address }),
    ).toThrow(/expected/);
  });
});
