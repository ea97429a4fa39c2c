// "Retry now": the wait between two tries to reach the network is visible and can be cut short.
import { describe, expect, it } from 'vitest';
import { RetryGate } from '../../../src-main/core/agent/retry-gate.js';
import { registerWithRetry } from '../../../src-main/core/agent/register-node.js';
import { IoUnreachableError } from '../../../src-main/core/network/errors.js';
import { silentLogger } from '../../../src-main/service/host-api.js';
import { ManualClock } from '../../helpers/manual-clock.js';

describe('RetryGate', () => {
  it('shows the next try, wakes early on retryNow, and is empty otherwise', async () => {
    const clock = new ManualClock(1_000);
    const gate = new RetryGate(clock);
    expect(gate.next()).toBeNull();
    expect(gate.retryNow()).toBe(false);
    let woke = false;
    const waiting = gate.wait(30_000, 'https://io.example', undefined).then(() => (woke = true));
    expect(gate.next()).toEqual({ url: 'https://io.example', at: 31_000 });
    expect(gate.retryNow()).toBe(true);
    await waiting;
    expect(woke).toBe(true);
    expect(gate.next()).toBeNull();
  });

  it('still wakes on time, and rejects when aborted', async () => {
    const clock = new ManualClock(0);
    const gate = new RetryGate(clock);
    const onTime = gate.wait(5_000, 'u');
    clock.advance(5_000);
    await onTime;
    const abort = new AbortController();
    const aborted = gate.wait(5_000, 'u', abort.signal);
    abort.abort(new Error('stopping'));
    await expect(aborted).rejects.toThrow('stopping');
    expect(gate.next()).toBeNull();
  });
});

it('registration: an unreachable network waits on the gate; Retry now tries again at once', async () => {
  const clock = new ManualClock(0);
  const gate = new RetryGate(clock);
  let calls = 0;
  const io = {
    register: async () => {
      calls++;
      if (calls < 3) throw new IoUnreachableError('https://io.example', 'ECONNREFUSED');
      return { node_id: '0x' + 'ab'.repeat(20) } as never;
    },
  };
  const retries: number[] = [];
  const done = registerWithRetry(
    io,
    {
      identity: { nodeId: '0x' + 'ab'.repeat(20), publicKey: '0x04' } as never,
      hardware: async () => ({}) as never,
      agentVersion: '0.0.0',
      options: { registerRetry: { baseMs: 60_000, maxMs: 60_000 } } as never,
      retryGate: gate,
    },
    { network: 'testnet', ioUrl: 'https://io.example' } as never,
    clock,
    silentLogger,
    { signal: new AbortController().signal, onRetry: (_r, d) => retries.push(d) },
  );
  await expect.poll(() => gate.next()).toMatchObject({ url: 'https://io.example' });
  expect(calls).toBe(1);
  expect(gate.retryNow()).toBe(true); // no clock advance: the click alone retries
  await expect.poll(() => calls).toBe(2);
  await expect.poll(() => gate.next()).not.toBeNull();
  gate.retryNow();
  await done;
  expect(calls).toBe(3);
  expect(retries).toHaveLength(2);
});
