/**
 * One way to subscribe, modelled on VS Code's `src/vs/base/common/event.ts`: a producer owns an
 * `Emitter<T>` and exposes only its `event`; subscribing returns a `Disposable`. Listeners are
 * isolated: a listener that throws is reported to the emitter's error handler and the others
 * still run, so one broken subscriber cannot break a producer or its other subscribers.
 */
import {
  type Disposable,
  type DisposableStore,
  noopDisposable,
  toDisposable,
} from './lifecycle.js';

export type Listener<T> = (value: T) => void;

/** Subscribes `listener`; the returned Disposable (also added to `store`, if given) unsubscribes. */
export type Event<T> = (listener: Listener<T>, store?: DisposableStore) => Disposable;

/** What is done with an error thrown by a listener. */
export type ListenerErrorHandler = (error: unknown) => void;

export interface EmitterOptions {
  /** Receives every error a listener throws. Defaults to the process-wide handler. */
  onListenerError?: ListenerErrorHandler;
}

let defaultListenerErrorHandler: ListenerErrorHandler = (error) => {
  console.error('an event listener threw:', error);
};

/**
 * Sets the handler used by emitters created without `onListenerError` (the composition root
 * points it at the logger). Disposing the result restores the previous handler.
 */
export function setDefaultListenerErrorHandler(handler: ListenerErrorHandler): Disposable {
  const previous = defaultListenerErrorHandler;
  defaultListenerErrorHandler = handler;
  return toDisposable(() => {
    defaultListenerErrorHandler = previous;
  });
}

/** An event that never fires. */
export const noEvent: Event<never> = () => noopDisposable;

export class Emitter<T> implements Disposable {
  // A listener may be subscribed twice; each subscription is its own entry.
  readonly #listeners = new Set<{ fn: Listener<T> }>();
  readonly #onError: ListenerErrorHandler | undefined;
  #disposed = false;

  constructor(options: EmitterOptions = {}) {
    this.#onError = options.onListenerError;
  }

  /** Subscribe here; hand this out, keep `fire` private to the producer. */
  readonly event: Event<T> = (listener, store) => {
    if (this.#disposed) return noopDisposable;
    const entry = { fn: listener };
    this.#listeners.add(entry);
    const subscription = toDisposable(() => this.#listeners.delete(entry));
    store?.add(subscription);
    return subscription;
  };

  /**
   * Calls every current listener with `value`, in subscription order. A listener removed
   * during delivery is not called; one added during delivery waits for the next fire.
   */
  fire(value: T): void {
    if (this.#disposed || this.#listeners.size === 0) return;
    for (const entry of [...this.#listeners]) {
      if (!this.#listeners.has(entry)) continue;
      try {
        entry.fn(value);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  get hasListeners(): boolean {
    return this.#listeners.size > 0;
  }

  /** Current subscriptions (tests use it to prove nothing leaks). */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Drops every listener; later subscriptions and fires do nothing. */
  dispose(): void {
    this.#disposed = true;
    this.#listeners.clear();
  }

  #report(error: unknown): void {
    try {
      (this.#onError ?? defaultListenerErrorHandler)(error);
    } catch {
      // The error handler itself failed; delivery to the other listeners must still go on.
    }
  }
}

/** Resolves with the next value `event` fires (and unsubscribes); rejects if `signal` aborts. */
export function nextEvent<T>(event: Event<T>, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      sub.dispose();
      reject(signal?.reason);
    };
    const sub = event((value) => {
      sub.dispose();
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** An error handler that logs a listener's failure as a warning naming `what` it listened to. */
export function warnListenerErrors(
  logger: { warn(message: string, fields?: Record<string, unknown>): void },
  what: string,
): ListenerErrorHandler {
  return (error) =>
    logger.warn(`A ${what} listener failed`, {
      error: error instanceof Error ? error.message : String(error),
    });
}
