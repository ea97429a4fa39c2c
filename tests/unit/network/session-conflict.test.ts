import { describe, expect, it } from 'vitest';
import { SessionConflict } from '../../../src-main/core/network/session-conflict.js';
import { keyInUseElsewhere } from '../../../src-main/core/agent/link-session.js';

describe('SessionConflict (close 4409)', () => {
  it('waits minutes, doubling per further 4409 up to the cap, and holds reconnects meanwhile', () => {
    let now = 0;
    const c = new SessionConflict({ now: () => now }, () => 0.999);
    const waits = [c.replaced(), c.replaced(), c.replaced(), c.replaced(), c.replaced()];
    expect(waits.map((ms) => Math.round(ms / 60_000))).toEqual([5, 10, 20, 40, 60]);
    expect(c.holding()).toBe(true);
    now += waits[4]! + 1;
    expect(c.holding()).toBe(false);
  });

  it('the first wait is never under 2.5 minutes (equal jitter)', () => {
    const c = new SessionConflict({ now: () => 0 }, () => 0);
    expect(c.replaced()).toBe(150_000);
  });

  it('a session that stays up 10 minutes forgets the conflict', () => {
    let now = 0;
    const c = new SessionConflict({ now: () => now }, () => 0.999);
    c.replaced();
    c.replaced();
    c.connected();
    expect(c.holding()).toBe(false);
    now += 10 * 60_000;
    c.disconnected();
    expect(Math.round(c.replaced() / 60_000)).toBe(5);
  });

  it('the conflict reason says what happened and what to do', () => {
    expect(keyInUseElsewhere(240_000)).toMatch(
      /^This node key is running on another machine: .*close 4409.*Run the key on one machine only.*tries again in about 4 min\.$/,
    );
  });
});
