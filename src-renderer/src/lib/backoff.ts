/** Jittered exponential backoff: 0.5 s, 1 s, 2 s … capped, each ±20%. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = 500 * 2 ** Math.min(Math.max(0, attempt), 10);
  const capped = Math.min(base, 10_000);
  const jitter = 0.8 + random() * 0.4;
  return Math.round(capped * jitter);
}
