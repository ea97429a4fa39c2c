import type { AppLike, SessionLike, WebContentsLike } from './electron-like.js';

/**
 * The CSP of the desktop window, sent by the app:// protocol with every file and added to any
 * http(s) response. The page talks to the node over IPC only, so it may connect nowhere
 * (index.html's meta policy, shared with the headless dashboard, allows its WebSocket; both
 * policies apply and the stricter wins).
 */
export const DESKTOP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface SecurityLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Locks down one webContents: the dashboard is a single page, so it never navigates, never
 * opens windows and never embeds a <webview>.
 */
export function hardenWebContents(contents: WebContentsLike, log?: SecurityLog): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log?.warn('Blocked a navigation away from the dashboard.', { url });
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    log?.warn('Blocked a redirect away from the dashboard.', { url });
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log?.warn('Blocked a <webview> tag.');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log?.warn('Blocked a request to open a new window.', { url });
    return { action: 'deny' };
  });
}

/** No page of ours needs a permission (camera, notifications from the page, USB…): deny all. */
export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    }
    headers['Content-Security-Policy'] = [DESKTOP_CSP];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
}

/** Applies the guards to every webContents the app ever creates, present and future. */
export function installSecurityGuards(app: AppLike, log?: SecurityLog): void {
  const hardened = new WeakSet<SessionLike>();
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, log);
    if (!hardened.has(contents.session)) {
      hardened.add(contents.session);
      hardenSession(contents.session);
    }
  });
}
