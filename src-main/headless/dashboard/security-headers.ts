import type { ServerResponse } from 'node:http';

/** The page may load only its own files and talk only to its own server. */
export function contentSecurityPolicy(origin: string): string {
  const wsOrigin = origin.replace(/^http:/, 'ws:');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${wsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on every HTTP response of the dashboard server. */
export function setSecurityHeaders(res: ServerResponse, origin: string): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(origin));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), usb=()');
}
