import { Wallet, type BaseWallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  OWNER_PROOF_MAX_AGE_MS,
  bindingMessage,
  checkWalletProof,
  parseBindingMessage,
} from '../../../src-main/core/protocol/owner-proof.js';

const NOW = Date.parse('2026-12-02T13:00:00.000Z');
const node = Wallet.createRandom().address;
const wallet = Wallet.createRandom();

function proof(over: { issuedAt?: number; signer?: BaseWallet; nodeId?: string } = {}) {
  const message = bindingMessage({
    nodeId: over.nodeId ?? node,
    network: 'testnet',
    wallet: wallet.address,
    issuedAt: over.issuedAt ?? NOW,
    nonce: '0123456789abcdef0123456789abcdef',
  });
  const signature = (over.signer ?? wallet).signMessageSync(message);
  return { address: wallet.address, message, signature };
}

const expectation = { nodeId: node, network: 'testnet' as const, now: NOW };

describe('wallet binding message', () => {
  it('is plain text naming node, network, wallet, time and nonce, and parses back', () => {
    const { message } = proof();
    expect(message).toContain(`Node ID: ${node}`);
    expect(message).toContain('Network: testnet');
    expect(message).toContain(`Wallet: ${wallet.address}`);
    expect(message).toContain('Issued at: 2026-12-02T13:00:00.000Z');
    expect(parseBindingMessage(message)).toMatchObject({ issuedAt: NOW, network: 'testnet' });
  });

  it('does not parse a text with anything added or changed', () => {
    const { message } = proof();
    expect(parseBindingMessage(`${message}\n`)).toBeNull();
    expect(parseBindingMessage(`Hello\n${message}`)).toBeNull();
    expect(parseBindingMessage(message.replace('Network: testnet', 'Network: moon'))).toBeNull();
    expect(parseBindingMessage(message.replace('costs nothing', 'costs 1 ETH'))).toBeNull();
  });
});

describe('checkWalletProof', () => {
  it('accepts a real signature by the wallet (a second key, not the node key)', () => {
    expect(checkWalletProof(proof(), expectation)).toMatchObject({ ok: true });
  });

  it('refuses a signature by another key, naming the signer', () => {
    const other = Wallet.createRandom();
    const check = checkWalletProof(proof({ signer: other }), expectation);
    expect(check).toEqual({
      ok: false,
      reason: `the signature was made by ${other.address}, not by wallet ${wallet.address}`,
    });
  });

  it('refuses a garbled signature, another node, an old or a future message', () => {
    const p = proof();
    const garbled = { ...p, signature: `0x${'11'.repeat(64)}1b` };
    expect(checkWalletProof(garbled, expectation).ok).toBe(false);
    const forOther = checkWalletProof(
      proof({ nodeId: Wallet.createRandom().address }),
      expectation,
    );
    expect(forOther).toMatchObject({ ok: false, reason: expect.stringMatching(/is for node/) });
    const old = proof({ issuedAt: NOW - OWNER_PROOF_MAX_AGE_MS - 1 });
    expect(checkWalletProof(old, expectation)).toMatchObject({
      reason: expect.stringMatching(/older than 7 days/),
    });
    const ahead = proof({ issuedAt: NOW + 10 * 60_000 });
    expect(checkWalletProof(ahead, expectation)).toMatchObject({
      reason: expect.stringMatching(/future/),
    });
    const otherNet = checkWalletProof(proof(), { ...expectation, network: 'mainnet' });
    expect(otherNet).toMatchObject({ ok: false, reason: 'the message is for the testnet network' });
  });
});
