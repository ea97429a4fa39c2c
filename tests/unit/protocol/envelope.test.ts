import { describe, expect, it } from 'vitest';
import {
  BadSignatureError,
  FutureTimestampError,
  MalformedMessageError,
  NonceCache,
  openEnvelope,
  ReplayedNonceError,
  signEnvelope,
  signedFrame,
  StaleTimestampError,
  UnsupportedVersionError,
  verifyEnvelope,
  WrongSignerError,
} from '../../../src-main/core/protocol/index.js';
import { NodeMessageBodies } from '../../../src-main/core/protocol/schemas/ws.js';
import { fixedClock, testSigner } from '../../helpers/keys.js';

const clock = fixedClock();
const node = testSigner();
const other = testSigner();
const opts = () => ({ nowMs: clock.now(), skewMs: 60_000, nonces: new NonceCache(60_000) });

describe('signed envelopes', () => {
  it('round-trips: sign then verify returns the body', () => {
    const env = signEnvelope(node, 'pong', { ping_id: 'p1' }, clock);
    const opened = openEnvelope(env, NodeMessageBodies.pong, opts());
    expect(opened.body).toEqual({ ping_id: 'p1' });
    expect(opened.node_id).toBe(node.address);
  });

  it('survives a JSON round trip with reordered keys (canonical bytes are signed)', () => {
    const env = signEnvelope(node, 'pong', { ping_id: 'p1', extra: { b: 1, a: 2 } }, clock);
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(env).reverse())));
    expect(Object.keys(reordered)[0]).toBe('sig');
    expect(() => verifyEnvelope(reordered, opts())).not.toThrow();
  });

  it('a signed frame is the signed envelope as JSON, with the same signature', () => {
    const body = { job_id: 'j1', output: 'é \u2028 "q" \n', usage: { b: 1.5, a: -2 }, n: null };
    const frame = signedFrame(node, 'job_result', body, clock, 'ab'.repeat(12));
    const parsed = JSON.parse(frame) as Record<string, unknown>;
    expect(parsed).toEqual(signEnvelope(node, 'job_result', body, clock, 'ab'.repeat(12)));
    expect(Object.keys(parsed).at(-1)).toBe('sig');
    expect(verifyEnvelope(parsed, opts()).body).toEqual(body);
  });

  it('rejects a tampered body', () => {
    const env = signEnvelope(node, 'pong', { ping_id: 'p1' }, clock);
    expect(() => verifyEnvelope({ ...env, body: { ping_id: 'p2' } }, opts())).toThrow(
      WrongSignerError,
    );
  });

  it('rejects a message whose type was changed (no cross-type replay)', () => {
    const env = signEnvelope(node, 'job_accept', { job_id: 'j1' }, clock);
    expect(() => verifyEnvelope({ ...env, type: 'job_reject' }, opts())).toThrow(WrongSignerError);
  });

  it('rejects a message signed by another key than node_id', () => {
    const env = signEnvelope(other, 'pong', { ping_id: 'p1' }, clock);
    expect(() => verifyEnvelope({ ...env, node_id: node.address }, opts())).toThrow(
      WrongSignerError,
    );
    expect(() => verifyEnvelope(env, { ...opts(), expectNodeId: node.address })).toThrow(
      /expected node/,
    );
  });

  it('rejects a garbage signature with a distinct error', () => {
    const env = signEnvelope(node, 'pong', { ping_id: 'p1' }, clock);
    expect(() => verifyEnvelope({ ...env, sig: '0x' + '11'.repeat(65) }, opts())).toThrow(
      BadSignatureError,
    );
  });

  it('rejects a replayed nonce inside the window', () => {
    const o = opts();
    const env = signEnvelope(node, 'pong', { ping_id: 'p1' }, clock);
    verifyEnvelope(env, o);
    expect(() => verifyEnvelope(env, o)).toThrow(ReplayedNonceError);
  });

  it('rejects stale and future timestamps distinctly', () => {
    const env = signEnvelope(node, 'pong', { ping_id: 'p1' }, clock);
    expect(() => verifyEnvelope(env, { ...opts(), nowMs: clock.now() + 61_000 })).toThrow(
      StaleTimestampError,
    );
    expect(() => verifyEnvelope(env, { ...opts(), nowMs: clock.now() - 61_000 })).toThrow(
      FutureTimestampError,
    );
    expect(() => verifyEnvelope(env, { ...opts(), nowMs: clock.now() + 59_000 })).not.toThrow();
  });

  it('rejects an unknown major version and tolerates a newer minor', () => {
    const v2 = { ...signEnvelope(node, 'pong', { ping_id: 'p1' }, clock), v: '2.0' };
    expect(() => verifyEnvelope(v2, opts())).toThrow(UnsupportedVersionError);
    const bad = { ...signEnvelope(node, 'pong', { ping_id: 'p1' }, clock), v: 'one' };
    expect(() => verifyEnvelope(bad, opts())).toThrow(UnsupportedVersionError);
  });

  it('tolerates unknown optional fields in the body but verifies over them', () => {
    const env = signEnvelope(node, 'pong', { ping_id: 'p1', future_field: 'x' }, clock);
    const opened = openEnvelope(env, NodeMessageBodies.pong, opts());
    expect(opened.body.ping_id).toBe('p1');
  });

  it('rejects malformed envelopes and bodies with readable messages', () => {
    expect(() => verifyEnvelope({ v: '1.0' }, opts())).toThrow(MalformedMessageError);
    expect(() => verifyEnvelope('nope', opts())).toThrow(/invalid envelope/);
    const env = signEnvelope(node, 'pong', { ping: 1 }, clock);
    expect(() => openEnvelope(env, NodeMessageBodies.pong, opts())).toThrow(
      /invalid pong body: ping_id/,
    );
  });
});
