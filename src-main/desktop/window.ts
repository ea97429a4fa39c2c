import type { BrowserWindowCtor, BrowserWindowLike } from './electron-like.js';
import { hardenWebContents, type SecurityLog } from './security.js';

export interface MainWindowOptions {
  preloadPath: string;
  /** The page, served by the app:// protocol (app-protocol.ts), never a file:// URL. */
  indexUrl: string;
  iconPath?: string;
  /** True once the app is quitting: closing the window then really closes it. */
  isQuitting: () => boolean;
  /** Show at creation (false when started at login, to stay in the tray). */
  showOnReady: boolean;
  log?: SecurityLog;
}

/**
 * The dashboard window. Closing it hides it to the tray (the node keeps serving); Quit from the
 * tray closes it for real.
 */
export function createMainWindow(
  BrowserWindow: BrowserWindowCtor,
  opts: MainWindowOptions,
): BrowserWindowLike {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Resultity Node',
    backgroundColor: '#0f1115',
    autoHideMenuBar: true,
    ...(opts.iconPath ? { icon: opts.iconPath } : {}),
    // Written out in full (not built by a helper) so scanners such as electronegativity see it.
    // Only our own preload runs, in an isolated, sandboxed renderer with no Node.js.
    webPreferences: {
      // Reviewed (PRELOAD_JS_CHECK asks for it): the preload is our bundled preload.cjs. It
      // exposes, through contextBridge, only invoke/subscribe for the fixed command and event
      // channels (ipc/preload-bridge.ts), never ipcRenderer itself, Node APIs or a file path.
      preload: opts.preloadPath, // eng-disable PRELOAD_JS_CHECK
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
    },
  });
  // Also applied by the app-wide guard; repeating it here keeps this window safe on its own.
  hardenWebContents(win.webContents, opts.log);
  win.on('close', (event) => {
    if (opts.isQuitting()) return;
    event.preventDefault();
    win.hide();
  });
  if (opts.showOnReady) win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.indexUrl);
  return win;
}

/** Brings the window to the front (second instance, tray click, "Open dashboard"). */
export function revealWindow(win: BrowserWindowLike | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
