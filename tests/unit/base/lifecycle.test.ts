import { describe, expect, it, vi } from 'vitest';
import {
  DisposableStore,
  disposeAll,
  toDisposable,
} from '../../../src-main/core/base/lifecycle.js';

describe('toDisposable', () => {
  it('runs its function once, however often it is disposed', () => {
    const fn = vi.fn();
    const d = toDisposable(fn);
    d.dispose();
    d.dispose();
    expect(fn).toHaveBeenCalledOnce();
  });
});

describe('disposeAll', () => {
  it('disposes every item even when one throws, then rethrows that error', () => {
    const last = vi.fn();
    const boom = new Error('close failed');
    const items = [
      toDisposable(() => {
        throw boom;
      }),
      toDisposable(last),
    ];
    expect(() => disposeAll(items)).toThrow(boom);
    expect(last).toHaveBeenCalledOnce();
  });

  it('throws an AggregateError carrying every failure when several throw', () => {
    const fail = (m: string) =>
      toDisposable(() => {
        throw new Error(m);
      });
    let caught: unknown;
    try {
      disposeAll([fail('a'), fail('b')]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    expect((caught as AggregateError).errors.map((e: Error) => e.message)).toEqual(['a', 'b']);
  });
});

describe('DisposableStore', () => {
  it('disposes everything it holds, once', () => {
    const store = new DisposableStore();
    const a = vi.fn();
    const b = vi.fn();
    store.add(toDisposable(a));
    store.addFn(b);
    store.dispose();
    store.dispose();
    expect(a).toHaveBeenCalledOnce();
    expect(b).toHaveBeenCalledOnce();
    expect(store.isDisposed).toBe(true);
  });

  it('disposes an item added after the store was disposed at once (no leak)', () => {
    const store = new DisposableStore();
    store.dispose();
    const late = vi.fn();
    store.addFn(late);
    expect(late).toHaveBeenCalledOnce();
  });

  it('clear() releases what it holds and stays usable', () => {
    const store = new DisposableStore();
    const first = vi.fn();
    const second = vi.fn();
    store.addFn(first);
    store.clear();
    store.addFn(second);
    expect(first).toHaveBeenCalledOnce();
    expect(second).not.toHaveBeenCalled();
    store.dispose();
    expect(second).toHaveBeenCalledOnce();
  });

  it('delete() disposes one item now and forgets it', () => {
    const store = new DisposableStore();
    const fn = vi.fn();
    const item = store.addFn(fn);
    store.delete(item);
    store.dispose();
    expect(fn).toHaveBeenCalledOnce();
  });

  it('add() returns the item it was given', () => {
    const store = new DisposableStore();
    const item = toDisposable(() => {});
    expect(store.add(item)).toBe(item);
  });
});
