import { Emitter, type Event, type ListenerErrorHandler } from '../../base/event.js';

export type SupervisorState =
  'stopped' | 'starting' | 'loading' | 'ready' | 'unhealthy' | 'restarting' | 'failed';

export interface SupervisorStatus {
  state: SupervisorState;
  /** Plain words: what is happening. */
  detail: string;
  /** What the operator can do, when the cause is known. */
  fix?: string;
  containerId: string | null;
  hostPort: number | null;
  restarts: number;
}

/** The supervisor's current status, its listeners, and waits for "ready". */
export class SupervisorStatusBox {
  current: SupervisorStatus = {
    state: 'stopped',
    detail: 'The runtime is stopped.',
    containerId: null,
    hostPort: null,
    restarts: 0,
  };
  readonly #changed: Emitter<SupervisorStatus>;
  /** Fires on every change of state, detail or fix. */
  readonly onChange: Event<SupervisorStatus>;

  constructor(onListenerError?: ListenerErrorHandler) {
    this.#changed = new Emitter({ onListenerError });
    this.onChange = this.#changed.event;
  }

  set(next: SupervisorStatus): void {
    const prev = this.current;
    if (prev.state === next.state && prev.detail === next.detail && prev.fix === next.fix) return;
    this.current = next;
    this.#changed.fire(next);
  }

  /** Resolves when the state becomes `ready`; rejects on `failed` or `stopped`. */
  waitForReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const sub = this.onChange((s) => {
        if (s.state === 'ready') {
          sub.dispose();
          resolve();
        } else if (s.state === 'failed' || s.state === 'stopped') {
          sub.dispose();
          reject(Object.assign(new Error(s.detail), { fix: s.fix, state: s.state }));
        }
      });
    });
  }
}
