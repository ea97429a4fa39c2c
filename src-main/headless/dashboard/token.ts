import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh dashboard token: 32 random bytes, URL-safe. */
export function createDashboardToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first so that neither the content nor the
 * length of the expected token leaks through timing.
 */
export function tokensEqual(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
