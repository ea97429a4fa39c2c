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
  readonly #listeners = new Set<(s: SupervisorStatus) => void>();

  set(next: SupervisorStatus): void {
    const prev = this.current;
    if (prev.state === next.state && prev.detail === next.detail && prev.fix === next.fix) return;
    this.current = next;
    for (const l of [...this.#listeners]) l(next);
  }

  subscribe(listener: (s: SupervisorStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when the state becomes `ready`; rejects on `failed` or `stopped`. */
  waitForReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const off = this.subscribe((s) => {
        if (s.state === 'ready') {
          off();
          resolve();
        } else if (s.state === 'failed' || s.state === 'stopped') {
          off();
          reject(Object.assign(new Error(s.detail), { fix: s.fix, state: s.state }));
        }
      });
    });
  }
}
