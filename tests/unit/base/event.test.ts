import { describe, expect, it, vi } from 'vitest';
import {
  Emitter,
  nextEvent,
  noEvent,
  setDefaultListenerErrorHandler,
} from '../../../src-main/core/base/event.js';
import { DisposableStore } from '../../../src-main/core/base/lifecycle.js';

describe('Emitter', () => {
  it('delivers each fired value to every listener, in subscription order', () => {
    const emitter = new Emitter<number>();
    const seen: string[] = [];
    emitter.event((n) => seen.push(`a${n}`));
    emitter.event((n) => seen.push(`b${n}`));
    emitter.fire(1);
    emitter.fire(2);
    expect(seen).toEqual(['a1', 'b1', 'a2', 'b2']);
  });

  it('stops delivering to a listener once its subscription is disposed', () => {
    const emitter = new Emitter<number>();
    const got: number[] = [];
    const sub = emitter.event((n) => got.push(n));
    emitter.fire(1);
    sub.dispose();
    sub.dispose();
    emitter.fire(2);
    expect(got).toEqual([1]);
    expect(emitter.hasListeners).toBe(false);
  });

  it('keeps two subscriptions of the same function apart', () => {
    const emitter = new Emitter<number>();
    const fn = vi.fn();
    const first = emitter.event(fn);
    emitter.event(fn);
    expect(emitter.listenerCount).toBe(2);
    first.dispose();
    expect(emitter.listenerCount).toBe(1);
    emitter.fire(7);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('isolates listeners: a throwing one is reported and the others still run', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<string>({ onListenerError: (e) => errors.push(e) });
    const after = vi.fn();
    const boom = new Error('listener broke');
    emitter.event(() => {
      throw boom;
    });
    emitter.event(after);
    expect(() => emitter.fire('x')).not.toThrow();
    expect(after).toHaveBeenCalledWith('x');
    expect(errors).toEqual([boom]);
  });

  it('goes on delivering even when the error handler itself throws', () => {
    const emitter = new Emitter<number>({
      onListenerError: () => {
        throw new Error('handler broke');
      },
    });
    const after = vi.fn();
    emitter.event(() => {
      throw new Error('listener broke');
    });
    emitter.event(after);
    expect(() => emitter.fire(1)).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
  });

  it('reports to the process-wide handler when none is given, and restores the previous one', () => {
    const reported: unknown[] = [];
    const restore = setDefaultListenerErrorHandler((e) => reported.push(e));
    const emitter = new Emitter<number>();
    emitter.event(() => {
      throw new Error('one');
    });
    emitter.fire(1);
    restore.dispose();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    emitter.fire(2);
    expect(reported).toHaveLength(1);
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });

  it('does not call a listener removed by an earlier listener during the same fire', () => {
    const emitter = new Emitter<number>();
    const second = vi.fn();
    let sub2 = { dispose() {} };
    emitter.event(() => sub2.dispose());
    sub2 = emitter.event(second);
    emitter.fire(1);
    expect(second).not.toHaveBeenCalled();
  });

  it('calls a listener added during a fire only from the next fire on', () => {
    const emitter = new Emitter<number>();
    const late = vi.fn();
    let added = false;
    emitter.event(() => {
      if (!added) emitter.event(late);
      added = true;
    });
    emitter.fire(1);
    expect(late).not.toHaveBeenCalled();
    emitter.fire(2);
    expect(late).toHaveBeenCalledWith(2);
  });

  it('adds the subscription to a given store, so disposing the store unsubscribes', () => {
    const emitter = new Emitter<number>();
    const store = new DisposableStore();
    const fn = vi.fn();
    emitter.event(fn, store);
    store.dispose();
    emitter.fire(1);
    expect(fn).not.toHaveBeenCalled();
  });

  it('does nothing once disposed', () => {
    const emitter = new Emitter<number>();
    const fn = vi.fn();
    emitter.event(fn);
    emitter.dispose();
    emitter.fire(1);
    emitter.event(fn).dispose();
    emitter.fire(2);
    expect(fn).not.toHaveBeenCalled();
    expect(emitter.hasListeners).toBe(false);
  });
});

describe('nextEvent', () => {
  it('resolves with the next value and unsubscribes', async () => {
    const emitter = new Emitter<string>();
    const next = nextEvent(emitter.event);
    emitter.fire('ready');
    await expect(next).resolves.toBe('ready');
    expect(emitter.hasListeners).toBe(false);
  });

  it('rejects with the abort reason and unsubscribes', async () => {
    const emitter = new Emitter<string>();
    const ac = new AbortController();
    const next = nextEvent(emitter.event, ac.signal);
    ac.abort(new Error('gave up'));
    await expect(next).rejects.toThrow('gave up');
    expect(emitter.hasListeners).toBe(false);
  });

  it('never resolves for noEvent', async () => {
    const ac = new AbortController();
    const next = nextEvent(noEvent, ac.signal);
    ac.abort(new Error('stop'));
    await expect(next).rejects.toThrow('stop');
  });
});
