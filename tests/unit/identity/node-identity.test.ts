import { inspect } from 'node:util';
import { Wallet, getAddress, verifyMessage } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  InvalidPrivateKeyError,
  NodeIdentity,
} from '../../../src-main/core/identity/node-identity.js';

// Hardhat's well-known development account #0 (public test vector, never a real key).
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const KEY_HEX = KEY.slice(2);

/** The protocol's MessageSigner shape (src-main/core/protocol/signer.ts), restated here. */
interface MessageSignerShape {
  readonly address: string;
  signMessage(message: string): string;
}

function expectNoKey(text: string): void {
  expect(text.toLowerCase()).not.toContain(KEY_HEX);
}

describe('NodeIdentity', () => {
  it('imports a known key and derives the expected checksummed node ID', () => {
    const id = NodeIdentity.fromPrivateKey(KEY);
    expect(id.nodeId).toBe(ADDRESS);
    expect(id.address).toBe(ADDRESS);
    expect(NodeIdentity.fromPrivateKey(KEY_HEX.toUpperCase()).nodeId).toBe(ADDRESS);
  });

  it('generates distinct keys with EIP-55 checksummed node IDs and uncompressed public keys', () => {
    const a = NodeIdentity.generate();
    const b = NodeIdentity.generate();
    expect(a.nodeId).not.toBe(b.nodeId);
    for (const id of [a, b]) {
      expect(id.nodeId).toMatch(/^0x[0-9a-fA-F]{40}$/);
      expect(getAddress(id.nodeId.toLowerCase())).toBe(id.nodeId);
      expect(id.publicKey).toMatch(/^0x04[0-9a-f]{128}$/);
    }
  });

  it('signs synchronously (EIP-191) so that verifyMessage recovers the node ID', async () => {
    const id = NodeIdentity.generate();
    const message = 'heartbeat {"seq":1}';
    const signature = id.signMessage(message);
    expect(typeof signature).toBe('string');
    expect(signature).toMatch(/^0x[0-9a-f]{130}$/);
    expect(verifyMessage(message, signature)).toBe(id.nodeId);
    expect(verifyMessage('another message', signature)).not.toBe(id.nodeId);
    // Same bytes as ethers' own (async) Wallet.signMessage: RFC 6979 is deterministic.
    const known = NodeIdentity.fromPrivateKey(KEY);
    expect(known.signMessage(message)).toBe(await new Wallet(KEY).signMessage(message));
  });

  it('fits the protocol MessageSigner shape', () => {
    const signer: MessageSignerShape = NodeIdentity.fromPrivateKey(KEY);
    expect(verifyMessage('x', signer.signMessage('x'))).toBe(signer.address);
  });

  it('never exposes the private key through JSON, inspection, enumeration or spreading', () => {
    const id = NodeIdentity.fromPrivateKey(KEY);
    expectNoKey(JSON.stringify(id));
    expect(JSON.parse(JSON.stringify(id))).toEqual({ nodeId: ADDRESS, publicKey: id.publicKey });
    expectNoKey(inspect(id));
    expectNoKey(inspect(id, { showHidden: true, depth: Infinity, getters: true }));
    expectNoKey(inspect(id, { showHidden: true, depth: Infinity, customInspect: false }));
    expectNoKey(String(id));
    expectNoKey(`${id}`);
    expect(Object.keys(id).sort()).toEqual(['address', 'nodeId', 'publicKey']);
    expectNoKey(JSON.stringify({ ...id }));
    expectNoKey(JSON.stringify(Object.values(id)));
    expectNoKey(JSON.stringify(Object.getOwnPropertyNames(id)));
    expectNoKey(JSON.stringify(structuredClone({ ...id })));
    for (const key of Reflect.ownKeys(id)) {
      expectNoKey(String((id as unknown as Record<PropertyKey, unknown>)[key]));
    }
    // Nothing on the prototype hands the key out either (a new member must be reviewed here).
    expect(Object.getOwnPropertyNames(Object.getPrototypeOf(id)).sort()).toEqual([
      'constructor',
      'encryptToKeystore',
      'sameKeyAs',
      'signMessage',
      'toJSON',
      'toString',
    ]);
  });

  it('rejects malformed keys with a clear message that does not echo the key', () => {
    const bad = [
      KEY.slice(0, -1), // one hex digit short
      `${KEY}00`,
      `${KEY.slice(0, -1)}g`,
      '',
      '0x' + '0'.repeat(64), // zero
      '0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141', // = n
    ];
    for (const input of bad) {
      let error: unknown;
      try {
        NodeIdentity.fromPrivateKey(input);
      } catch (err) {
        error = err;
      }
      expect(error, input).toBeInstanceOf(InvalidPrivateKeyError);
      const message = (error as Error).message;
      expect(message).toMatch(/private key is not valid/);
      if (input.length > 8) expect(message).not.toContain(input.replace(/^0x/, '').slice(0, 20));
    }
  });
});
