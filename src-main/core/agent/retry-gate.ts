import type { Clock, TimerHandle } from '../clock.js';

/** What the node waits on before its next try to reach the network. */
export interface PendingRetry {
  /** The address it could not reach. */
  url: string;
  /** When it tries again (ms since the epoch, on the injected clock). */
  at: number;
}

/**
 * The wait between two tries to reach the network, which the operator can cut short ("Retry
 * now"): the dashboard shows when the next try is, and a click makes it happen at once.
 */
export class RetryGate {
  #pending: (PendingRetry & { wake: () => void }) | null = null;

  constructor(private readonly clock: Clock) {}

  /** Sleeps `ms` (or until retryNow); rejects with the signal's reason when aborted. */
  wait(ms: number, url: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      let handle: TimerHandle | null = null;
      const settle = () => {
        if (handle !== null) this.clock.clearTimeout(handle);
        signal?.removeEventListener('abort', onAbort);
        if (this.#pending?.wake === wake) this.#pending = null;
      };
      const wake = () => {
        settle();
        resolve();
      };
      const onAbort = () => {
        settle();
        reject(signal?.reason);
      };
      handle = this.clock.setTimeout(wake, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending = { url, at: this.clock.now() + ms, wake };
    });
  }

  /** The next try, or null when the node is not waiting to reach the network. */
  next(): PendingRetry | null {
    return this.#pending ? { url: this.#pending.url, at: this.#pending.at } : null;
  }

  /** Tries again now; false when nothing was waiting. */
  retryNow(): boolean {
    const pending = this.#pending;
    if (!pending) return false;
    pending.wake();
    return true;
  }
}
