import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../../src-main/core/identity/account-binding.js';
import { OwnerBinder } from '../../../src-main/core/identity/owner-binder.js';
import type {
  AccountBindingWire,
  OwnerStatus,
} from '../../../src-main/core/protocol/schemas/account.js';
import { resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const NODE = Wallet.createRandom().address;

function binder() {
  const saved: OwnerRecord[] = [];
  const b = new OwnerBinder({
    dirs: resolveDataDirs('/nonexistent/owner-binder', 'testnet'),
    network: 'testnet',
    clock: new ManualClock(Date.parse('2026-12-02T13:00:00Z')),
    nodeId: () => NODE,
    save: async (r) => void saved.push(r),
  });
  return { b, saved };
}

describe('OwnerBinder', () => {
  it('writes a fresh binding message for this node, network and wallet', () => {
    const { b } = binder();
    const wallet = Wallet.createRandom().address;
    const m1 = b.walletMessage(wallet.toLowerCase());
    expect(m1).toContain(`Node ID: ${NODE}`);
    expect(m1).toContain('Network: testnet');
    expect(m1).toContain(`Wallet: ${wallet}`);
    expect(b.walletMessage(wallet)).not.toBe(m1); // a new nonce each time
    expect(() => b.walletMessage('0x12')).toThrow(/40 hexadecimal/);
  });

  it('refuses a wrong or garbled signature before saving anything', async () => {
    const { b, saved } = binder();
    const wallet = Wallet.createRandom();
    const message = b.walletMessage(wallet.address);
    const other = Wallet.createRandom();
    await expect(b.bindWallet(message, other.signMessageSync(message))).rejects.toThrow(
      `The signature was not accepted: the signature was made by ${other.address}`,
    );
    await expect(b.bindWallet(message, '0x1234')).rejects.toThrow(/130 hexadecimal/);
    await expect(b.bindWallet('edited', wallet.signMessageSync('edited'))).rejects.toThrow(
      /not the binding message/,
    );
    expect(saved).toEqual([]);
    expect(b.record().state).toBe('none');
  });

  it('saves a good proof as pending without a node, sends it with the sender, and reads the answer', async () => {
    const { b } = binder();
    const wallet = Wallet.createRandom();
    const message = b.walletMessage(wallet.address);
    const signature = wallet.signMessageSync(message).slice(2); // printed without 0x by some tools
    await b.bindWallet(message, signature);
    expect(b.record()).toMatchObject({ state: 'pending', owner: { address: wallet.address } });
    expect(b.claim()).toEqual({
      kind: 'wallet',
      address: wallet.address,
      message,
      signature: `0x${signature}`,
    });
    const sent: AccountBindingWire[] = [];
    b.setSender(async (claim) => {
      sent.push(claim);
      return { state: 'bound', owner: { kind: 'wallet', address: wallet.address }, verified_at: 9 };
    });
    await b.sendPending();
    expect(sent).toHaveLength(1);
    expect(b.record()).toMatchObject({ state: 'bound', verified_at: 9 });
    expect(b.state()).toEqual({
      owner: { kind: 'wallet', address: wallet.address },
      state: 'bound',
    });
    // A heartbeat naming another owner: the binding is shown as lost.
    const other = Wallet.createRandom().address;
    await b.heard({ state: 'bound', owner: { kind: 'wallet', address: other } }, 'heartbeat');
    expect(b.record()).toMatchObject({
      state: 'refused',
      reason: expect.stringMatching(/no longer lists this owner/),
      network_owner: { kind: 'wallet', address: other },
    });
  });

  it('keeps a proof pending, with the reason, when the network cannot be reached', async () => {
    const { b } = binder();
    const wallet = Wallet.createRandom();
    b.setSender(async () => {
      throw new Error('connection refused');
    });
    const message = b.walletMessage(wallet.address);
    await b.bindWallet(message, wallet.signMessageSync(message));
    expect(b.record()).toMatchObject({
      state: 'pending',
      reason: expect.stringMatching(/not yet sent to the network \(connection refused\)/),
    });
  });

  it('binds an email through the code the network mailed; a wrong code is refused with its reason', async () => {
    const { b } = binder();
    await expect(b.requestEmailCode('op@example.com')).rejects.toThrow(/Start the node first/);
    const answers: OwnerStatus[] = [
      { state: 'code_sent', owner: null, reason: 'a 6-digit code was sent to op@example.com' },
      { state: 'refused', owner: null, reason: 'wrong code: check the latest email' },
      { state: 'bound', owner: { kind: 'email', email: 'op@example.com' } },
    ];
    const sent: AccountBindingWire[] = [];
    b.setSender(async (claim) => {
      sent.push(claim);
      return answers.shift()!;
    });
    await b.requestEmailCode(' op@example.com ');
    expect(b.record()).toMatchObject({
      state: 'code_sent',
      reason: 'A 6-digit code was sent to op@example.com.',
    });
    await expect(b.confirmEmailCode('12ab')).rejects.toThrow(/6 digits/);
    await b.confirmEmailCode('000 000');
    expect(b.record()).toMatchObject({
      state: 'refused',
      reason: 'Wrong code: check the latest email.',
    });
    await b.confirmEmailCode('123456');
    expect(b.record()).toMatchObject({ state: 'bound', owner: { email: 'op@example.com' } });
    expect(sent).toEqual([
      { kind: 'email', email: 'op@example.com' },
      { kind: 'email', email: 'op@example.com', code: '000000' },
      { kind: 'email', email: 'op@example.com', code: '123456' },
    ]);
    await expect(b.confirmEmailCode('123456')).rejects.toThrow(/No email is waiting/);
  });
});
