import { useCallback, useEffect, useRef, useState } from 'react';

/** Runs an async action for a button: pending while it runs, the error kept for display. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    async (...args: A): Promise<boolean> => {
      setPending(true);
      setError(null);
      try {
        await action(...args);
        return true;
      } catch (err) {
        if (mounted.current) setError(err instanceof Error ? err : new Error(String(err)));
        return false;
      } finally {
        if (mounted.current) setPending(false);
      }
    },
    [action],
  );
  return { run, pending, error, clearError: () => setError(null) };
}
