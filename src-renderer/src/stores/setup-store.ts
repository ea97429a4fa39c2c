import { create } from 'zustand';
import type { SetupCheckDto } from '../../../src-main/contract/index.js';
import { bridge } from './bridge-ref.js';

interface SetupState {
  checks: SetupCheckDto[];
  /** A run is in flight (started by the page itself or by the button). */
  running: boolean;
  /** The last run failed: shown on the page until the next run. */
  error: Error | null;
  /** A run finished in this session (results may still be empty on a host without checks). */
  ran: boolean;
  apply(checks: SetupCheckDto[]): void;
  /** Runs the checks; rejects with the node's error (also kept in `error`). */
  runChecks(): Promise<void>;
  /** The page's first visit: runs the checks once when there are no results yet. */
  runIfNeverRun(): void;
}

let inFlight: Promise<void> | null = null;

export const useSetupStore = create<SetupState>()((set, get) => ({
  checks: [],
  running: false,
  error: null,
  ran: false,
  apply: (checks) => set({ checks }),
  runChecks: () => {
    // The page's own first run and a click on the button share one run.
    inFlight ??= (async () => {
      set({ running: true, error: null });
      try {
        set({ checks: await bridge().invoke('checkSetup', undefined), ran: true });
      } catch (err) {
        set({ error: err instanceof Error ? err : new Error(String(err)) });
        throw err;
      } finally {
        set({ running: false });
        inFlight = null;
      }
    })();
    return inFlight;
  },
  runIfNeverRun: () => {
    const s = get();
    if (s.checks.length > 0 || s.ran || s.running || s.error) return;
    void s.runChecks().catch(() => undefined);
  },
}));
