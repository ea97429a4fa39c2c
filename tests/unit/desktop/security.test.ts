import { describe, expect, it } from 'vitest';
import {
  DESKTOP_CSP,
  hardenSession,
  installSecurityGuards,
} from '../../../src-main/desktop/security.js';
import { createMainWindow } from '../../../src-main/desktop/window.js';
import {
  FakeApp,
  FakeBrowserWindow,
  FakeSession,
  FakeWebContents,
  preventable,
} from '../../helpers/fake-electron.js';

const EXPECTED_PREFS = {
  preload: '/app/dist/main/preload.cjs',
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
  disableBlinkFeatures: 'Auxclick',
};

describe('window security', () => {
  it('every window gets exactly the locked-down webPreferences with our preload only', () => {
    FakeBrowserWindow.instances = [];
    const win = createMainWindow(FakeBrowserWindow, {
      preloadPath: '/app/dist/main/preload.cjs',
      indexUrl: 'app://renderer/index.html',
      isQuitting: () => false,
      showOnReady: true,
    }) as unknown as FakeBrowserWindow;
    expect(win.options.webPreferences).toEqual(EXPECTED_PREFS);
    expect(win.options.show).toBe(false);
    expect(win.loaded).toBe('app://renderer/index.html');
    // The window hardens its own webContents too.
    expect(win.webContents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(win.webContents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({
      action: 'deny',
    });
  });
});

describe('installSecurityGuards', () => {
  function created() {
    const app = new FakeApp();
    const warnings: string[] = [];
    installSecurityGuards(app, { warn: (m) => warnings.push(m) });
    const contents = new FakeWebContents();
    app.emit('web-contents-created', preventable(), contents);
    return { app, contents, warnings };
  }

  it('denies navigation, redirects, <webview> and window.open on any webContents', () => {
    const { contents, warnings } = created();
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.fire('will-redirect', 'https://evil.example/')).toBe(true);
    const prefs = { nodeIntegration: true };
    expect(contents.fire('will-attach-webview', prefs)).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({
      action: 'deny',
    });
    expect(contents.windowOpenHandler!({ url: 'file:///app/index.html' })).toEqual({
      action: 'deny',
    });
    expect(warnings).toHaveLength(6);
  });

  it('denies every permission request and check on the session', () => {
    const { contents } = created();
    const session = contents.session;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'usb']) {
      let granted: boolean | undefined;
      session.permissionRequestHandler!(contents, permission, (g) => (granted = g));
      expect(granted).toBe(false);
      expect(session.permissionCheckHandler!(contents, permission)).toBe(false);
    }
  });

  it('adds a strict CSP header, replacing any weaker one', () => {
    const session = new FakeSession();
    hardenSession(session);
    let out: Record<string, string[]> | undefined;
    session.headersListener!(
      {
        url: 'http://127.0.0.1:5173/',
        responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] },
      },
      (r) => (out = r.responseHeaders),
    );
    expect(out).toEqual({
      'X-Other': ['1'],
      'Content-Security-Policy': [DESKTOP_CSP],
      'X-Content-Type-Options': ['nosniff'],
    });
    expect(DESKTOP_CSP).toContain("script-src 'self'");
    expect(DESKTOP_CSP).toContain("object-src 'none'");
    expect(DESKTOP_CSP).not.toMatch(/unsafe-eval|\*/);
    // The desktop page talks to the node over IPC only.
    expect(DESKTOP_CSP).toContain("connect-src 'none'");
  });
});
