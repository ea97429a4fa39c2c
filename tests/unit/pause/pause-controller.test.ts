import { describe, expect, it } from 'vitest';
import { PauseController } from '../../../src-main/core/pause/pause-controller.js';
import type { PauseState } from '../../../src-main/core/pause/pause-sources.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const game = { reason: 'a game is using the GPU', resumes: 'resumes when it closes' };

describe('PauseController', () => {
  it('is paused while any source asks, and resumes when the last one releases', () => {
    const clock = new ManualClock();
    const c = new PauseController(clock);
    const seen: PauseState[] = [];
    c.onChange((s) => seen.push(s));
    c.request('foreign-gpu-process', game);
    clock.advance(1000);
    c.request('schedule', { reason: 'outside the lending hours', resumes: 'resumes at 18:00' });
    expect(c.state().paused).toBe(true);
    expect(c.state().requests.map((r) => r.source)).toEqual(['foreign-gpu-process', 'schedule']);
    expect(c.headline()).toBe(
      'Paused — a game is using the GPU, resumes when it closes (and 1 more)',
    );
    c.release('foreign-gpu-process');
    expect(c.state().paused).toBe(true);
    expect(c.state().since).toBe(clock.now() - 1000);
    c.release('schedule');
    expect(c.state()).toEqual({ paused: false, requests: [], since: null });
    expect(seen.map((s) => s.paused)).toEqual([true, true, true, false]);
  });

  it('a repeated identical request changes nothing; a release of nothing is silent', () => {
    const c = new PauseController(new ManualClock());
    let fired = 0;
    c.onChange(() => fired++);
    c.request('fullscreen', game);
    c.request('fullscreen', game);
    c.release('manual');
    expect(fired).toBe(1);
  });

  it('a request with an end lapses by itself on the injected clock', () => {
    const clock = new ManualClock();
    const c = new PauseController(clock);
    c.request('manual', {
      reason: 'paused by you',
      resumes: 'resumes in 30 min',
      until: clock.now() + 30 * 60_000,
    });
    clock.advance(30 * 60_000 - 1);
    expect(c.isRequested('manual')).toBe(true);
    clock.advance(1);
    expect(c.state().paused).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('an end already past releases at once; releaseAll resumes everything', () => {
    const clock = new ManualClock();
    const c = new PauseController(clock);
    c.request('manual', { ...game, until: clock.now() });
    expect(c.state().paused).toBe(false);
    c.request('thermal', game);
    c.request('power', game);
    c.releaseAll();
    expect(c.state().paused).toBe(false);
  });
});
