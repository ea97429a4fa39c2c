// The user-active trigger: input within the last seconds pauses; idleMinutes without input
// resumes (the delay); a system that cannot tell is reported, not polled.
import { describe, expect, it } from 'vitest';
import { PauseController } from '../../../src-main/core/pause/pause-controller.js';
import {
  IDLE_POLL_MS,
  UserActiveTrigger,
  type IdleSource,
} from '../../../src-main/core/pause/user-active-trigger.js';
import { ManualClock } from '../../helpers/manual-clock.js';

/** An idle clock like the OS's: seconds since the last input, reset by `input()`. */
function fakeIdle(clock: ManualClock, state: 'idle' | 'unknown' = 'idle') {
  let lastInput = clock.now() - 3_600_000;
  const source: IdleSource = {
    getSystemIdleTime: () => Math.floor((clock.now() - lastInput) / 1000),
    getSystemIdleState: () => state,
  };
  return { source, input: () => (lastInput = clock.now()) };
}

function setup(state?: 'idle' | 'unknown') {
  const clock = new ManualClock();
  const pauses = new PauseController(clock);
  const idle = fakeIdle(clock, state);
  const unavailable: (string | null)[] = [];
  const trigger = new UserActiveTrigger(clock, pauses, idle.source, (_s, reason) =>
    unavailable.push(reason),
  );
  return { clock, pauses, idle, trigger, unavailable };
}

describe('UserActiveTrigger', () => {
  it('pauses on input, stays paused while input continues, resumes after idleMinutes without input', () => {
    const { clock, pauses, idle, trigger, unavailable } = setup();
    trigger.configure({ enabled: true, idleMinutes: 5 });
    expect(unavailable).toEqual([null]);
    expect(pauses.state().paused).toBe(false); // an hour idle: nobody there
    idle.input();
    clock.advance(IDLE_POLL_MS);
    expect(pauses.state().requests).toMatchObject([
      {
        source: 'user-active',
        reason: 'you are using the computer',
        resumes: 'resumes after 5 minutes without keyboard or mouse input',
        until: null,
      },
    ]);
    // Typing on and off for 10 minutes: still paused.
    for (let i = 0; i < 10; i++) {
      clock.advance(60_000);
      idle.input();
    }
    clock.advance(4 * 60_000 + 55_000);
    expect(pauses.state().paused).toBe(true); // 4 min 55 s without input
    clock.advance(IDLE_POLL_MS);
    expect(pauses.state().paused).toBe(false); // 5 min: the delay is over
    trigger.dispose();
    expect(clock.pending).toBe(0);
  });

  it('a short touch after a while idle pauses again at once (no delay before pausing)', () => {
    const { clock, pauses, idle, trigger } = setup();
    trigger.configure({ enabled: true, idleMinutes: 1 });
    clock.advance(3 * 60_000);
    expect(pauses.state().paused).toBe(false);
    idle.input();
    clock.advance(IDLE_POLL_MS);
    expect(pauses.isRequested('user-active')).toBe(true);
    expect(pauses.state().requests[0]?.resumes).toBe(
      'resumes after 1 minute without keyboard or mouse input',
    );
    trigger.dispose();
  });

  it('turning it off releases the pause and stops polling; a new delay applies live', () => {
    const { clock, pauses, idle, trigger } = setup();
    idle.input();
    trigger.configure({ enabled: true, idleMinutes: 10 });
    expect(pauses.state().paused).toBe(true); // the operator just clicked: active now
    trigger.configure({ enabled: false, idleMinutes: 10 });
    expect(pauses.state().paused).toBe(false);
    expect(clock.pending).toBe(0);
    trigger.configure({ enabled: true, idleMinutes: 2 });
    clock.advance(2 * 60_000);
    expect(pauses.state().paused).toBe(false);
    trigger.dispose();
  });

  it('a system that cannot tell the idle time: reported unavailable, never paused, not polled', () => {
    const { clock, pauses, idle, trigger, unavailable } = setup('unknown');
    idle.input();
    trigger.configure({ enabled: true, idleMinutes: 5 });
    expect(unavailable[0]).toMatch(/does not tell apps how long the keyboard and mouse/);
    expect(pauses.state().paused).toBe(false);
    expect(clock.pending).toBe(0);
    trigger.dispose();
  });
});
