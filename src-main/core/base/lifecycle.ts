/**
 * One way to clean up, modelled on VS Code's `src/vs/base/common/lifecycle.ts`: whatever holds a
 * resource (a listener, a timer, a socket) hands back a `Disposable`, and owners collect them in a
 * `DisposableStore` so one `dispose()` releases everything.
 */

export interface Disposable {
  /** Releases the resource. Calling it again does nothing. */
  dispose(): void;
}

/** A Disposable that runs `fn` once, however often it is disposed. */
export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** A Disposable that holds nothing (what a disposed emitter hands out). */
export const noopDisposable: Disposable = Object.freeze({ dispose() {} });

/**
 * Disposes every item, even when some throw; rethrows the single error, or an AggregateError
 * when several failed, only after all were disposed.
 */
export function disposeAll(items: Iterable<Disposable>): void {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      item.dispose();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed to dispose');
}

/** Collects Disposables and releases them together. */
export class DisposableStore implements Disposable {
  readonly #items = new Set<Disposable>();
  #disposed = false;

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /**
   * Takes ownership of `item` and returns it. Once the store is disposed, an added item is
   * disposed at once, so a late subscription cannot leak.
   */
  add<T extends Disposable>(item: T): T {
    if (this.#disposed) item.dispose();
    else this.#items.add(item);
    return item;
  }

  /** Shorthand for `add(toDisposable(fn))`. */
  addFn(fn: () => void): Disposable {
    return this.add(toDisposable(fn));
  }

  /** Disposes `item` now and forgets it. */
  delete(item: Disposable): void {
    if (this.#items.delete(item)) item.dispose();
  }

  /** Disposes everything held so far; the store stays usable. */
  clear(): void {
    const items = [...this.#items];
    this.#items.clear();
    disposeAll(items);
  }

  /** Disposes everything held and everything added later. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.clear();
  }
}
