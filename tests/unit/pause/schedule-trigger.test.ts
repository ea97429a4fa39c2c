// The schedule trigger: local-time windows (overnight ones too), resuming at the window's end,
// across a DST change, and live settings changes. Local time is Berlin's for the whole file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PauseController } from '../../../src-main/core/pause/pause-controller.js';
import { ScheduleTrigger } from '../../../src-main/core/pause/schedule-trigger.js';
import { scheduleAt, type ScheduleWindow } from '../../../src-main/core/pause/schedule-windows.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

/** Epoch ms of a Berlin wall-clock time (month 1–12). */
const local = (y: number, mo: number, d: number, h: number, mi = 0) =>
  new Date(y, mo - 1, d, h, mi).getTime();
const WEEKNIGHTS: ScheduleWindow = { days: [1, 2, 3, 4, 5], from: '22:00', to: '07:00' };
const HOUR = 3_600_000;

describe('scheduleAt', () => {
  // 2026-12-07 is a Monday.
  it('an overnight window runs from its start day into the next morning', () => {
    expect(scheduleAt([WEEKNIGHTS], local(2026, 12, 7, 21, 59))).toEqual({
      inWindow: false,
      nextStartAt: local(2026, 12, 7, 22),
    });
    expect(scheduleAt([WEEKNIGHTS], local(2026, 12, 7, 22))).toEqual({
      inWindow: true,
      endsAt: local(2026, 12, 8, 7),
    });
    // Tuesday 03:00 is still Monday's window.
    expect(scheduleAt([WEEKNIGHTS], local(2026, 12, 8, 3))).toEqual({
      inWindow: true,
      endsAt: local(2026, 12, 8, 7),
    });
    expect(scheduleAt([WEEKNIGHTS], local(2026, 12, 8, 7))).toMatchObject({ inWindow: false });
  });

  it('a window belongs to the day it starts on: Saturday night is free, Friday night runs into Saturday', () => {
    // Friday 2026-12-11 22:00 → Saturday 07:00.
    expect(scheduleAt([WEEKNIGHTS], local(2026, 12, 12, 6))).toEqual({
      inWindow: true,
      endsAt: local(2026, 12, 12, 7),
    });
    // Saturday 23:00: no window; the next starts Monday 22:00.
    expect(scheduleAt([WEEKNIGHTS], local(2026, 12, 12, 23))).toEqual({
      inWindow: false,
      nextStartAt: local(2026, 12, 14, 22),
    });
  });

  it('a same-day window, and back-to-back windows that make one pause', () => {
    const work: ScheduleWindow = { days: [2], from: '07:00', to: '09:30' };
    expect(scheduleAt([work], local(2026, 12, 8, 8))).toEqual({
      inWindow: true,
      endsAt: local(2026, 12, 8, 9, 30),
    });
    expect(scheduleAt([WEEKNIGHTS, work], local(2026, 12, 8, 3))).toEqual({
      inWindow: true,
      endsAt: local(2026, 12, 8, 9, 30),
    });
  });

  it('keeps wall-clock times across a DST change (the night of 2026-03-29 has 23 hours)', () => {
    const everyNight: ScheduleWindow = { days: [0, 1, 2, 3, 4, 5, 6], from: '22:00', to: '07:00' };
    const start = local(2026, 3, 28, 22);
    const at = scheduleAt([everyNight], start);
    expect(at).toEqual({ inWindow: true, endsAt: local(2026, 3, 29, 7) });
    // 8 real hours, not 9: it still ends at 07:00 on the clock.
    expect((at as { endsAt: number }).endsAt - start).toBe(8 * HOUR);
    expect(new Date((at as { endsAt: number }).endsAt).getHours()).toBe(7);
    // And in autumn (2026-10-25) the night has 10 hours.
    const autumn = scheduleAt([everyNight], local(2026, 10, 24, 22));
    expect((autumn as { endsAt: number }).endsAt - local(2026, 10, 24, 22)).toBe(10 * HOUR);
  });

  it('no windows: never inside, nothing next', () => {
    expect(scheduleAt([], local(2026, 12, 7, 12))).toEqual({ inWindow: false, nextStartAt: null });
  });
});

describe('ScheduleTrigger', () => {
  function setup(startAt: number) {
    const clock = new ManualClock(startAt);
    const pauses = new PauseController(clock);
    const trigger = new ScheduleTrigger(clock, pauses);
    return { clock, pauses, trigger };
  }

  it('pauses at the window start, says when it resumes, and resumes at the window end', () => {
    const { clock, pauses, trigger } = setup(local(2026, 12, 7, 21, 30));
    trigger.configure({ enabled: true, windows: [WEEKNIGHTS] });
    expect(pauses.state().paused).toBe(false);
    clock.advance(30 * 60_000);
    expect(pauses.state().requests).toEqual([
      {
        source: 'schedule',
        reason: 'your schedule keeps the GPU for you now',
        resumes: 'resumes Tuesday at 07:00',
        since: local(2026, 12, 7, 22),
        until: local(2026, 12, 8, 7),
      },
    ]);
    // After midnight the words say "at 07:00" (today).
    clock.advance(2.5 * HOUR);
    expect(pauses.state().requests[0]?.resumes).toBe('resumes at 07:00');
    expect(pauses.state().requests[0]?.since).toBe(local(2026, 12, 7, 22));
    clock.advance(local(2026, 12, 8, 7) - clock.now() - 1);
    expect(pauses.state().paused).toBe(true);
    clock.advance(1);
    expect(pauses.state().paused).toBe(false);
    // And again the next night.
    clock.advance(15 * HOUR);
    expect(pauses.isRequested('schedule')).toBe(true);
    trigger.dispose();
    expect(pauses.state().paused).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('started inside a window: pauses at once', () => {
    const { pauses, trigger } = setup(local(2026, 12, 9, 2));
    trigger.configure({ enabled: true, windows: [WEEKNIGHTS] });
    expect(pauses.state().requests[0]).toMatchObject({
      source: 'schedule',
      until: local(2026, 12, 9, 7),
    });
    trigger.dispose();
  });

  it('settings take effect live: off releases, a changed window moves the pause', () => {
    const { clock, pauses, trigger } = setup(local(2026, 12, 9, 2));
    trigger.configure({ enabled: true, windows: [WEEKNIGHTS] });
    expect(pauses.state().paused).toBe(true);
    trigger.configure({ enabled: false, windows: [WEEKNIGHTS] });
    expect(pauses.state().paused).toBe(false);
    // Off: time passing into a window changes nothing.
    clock.advance(24 * HOUR);
    expect(pauses.state().paused).toBe(false);
    trigger.configure({ enabled: true, windows: [{ days: [4], from: '01:00', to: '03:00' }] });
    expect(pauses.state().requests[0]?.until).toBe(local(2026, 12, 10, 3));
    trigger.configure({ enabled: true, windows: [] });
    expect(pauses.state().paused).toBe(false);
    trigger.dispose();
    expect(clock.pending).toBe(0);
  });

  it('a wall-clock jump (sleep, a time change) is noticed within a minute', () => {
    const { clock, pauses, trigger } = setup(local(2026, 12, 9, 12));
    trigger.configure({ enabled: true, windows: [WEEKNIGHTS] });
    // The machine sleeps until 21:59:30 (no timer fires meanwhile).
    clock.set(local(2026, 12, 9, 21, 59) + 30_000);
    clock.advance(60_000);
    expect(pauses.state().requests[0]).toMatchObject({
      source: 'schedule',
      since: local(2026, 12, 9, 22),
    });
    trigger.dispose();
  });
});
