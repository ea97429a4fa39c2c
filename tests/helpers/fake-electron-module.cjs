/* eslint-disable @typescript-eslint/no-require-imports -- a `node -r` preload must be CommonJS */
// Loaded with `node -r` before a bundled Electron main: answers require('electron') with a fake
// that prints what the app does as JSON lines (window, tray, IPC, quit), then asks to quit after
// FAKE_QUIT_AFTER_MS from loading its page. Used by tests/unit/desktop/main-smoke.test.ts.
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const path = require('node:path');
const out = (type, data = {}) => process.stdout.write(JSON.stringify({ type, ...data }) + '\n');
const app = new EventEmitter();
let readyResolve;
const ready = new Promise((r) => (readyResolve = r));
Object.assign(app, {
  isPackaged: false,
  getAppPath: () => process.env.FAKE_APP_PATH,
  getVersion: () => '0.1.0-smoke',
  getName: () => 'resultity-node',
  getPath: (n) => path.join(process.env.HOME, n),
  whenReady: () => ready,
  isReady: () => true,
  disableHardwareAcceleration: () => out('disableHardwareAcceleration'),
  commandLine: { appendSwitch: (name, value) => out('appendSwitch', { name, value }) },
  requestSingleInstanceLock: () => true,
  setLoginItemSettings: (s) => out('loginItem', s),
  quit: () => {
    const e = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    app.emit('before-quit', e);
    if (e.defaultPrevented) return out('quit-held');
    app.emit('will-quit', { preventDefault() {} });
    out('quit');
    setTimeout(() => process.exit(0), 50);
  },
  exit: (code) => {
    out('exit', { code });
    process.exit(code);
  },
});
class WebContents extends EventEmitter {
  constructor() {
    super();
    this.session = session;
  }
  setWindowOpenHandler() {
    out('windowOpenHandler');
  }
  send(channel) {
    out('send', { channel });
  }
  isDestroyed() {
    return false;
  }
}
const session = {
  setPermissionRequestHandler: () => out('permissionRequestHandler'),
  setPermissionCheckHandler: () => out('permissionCheckHandler'),
  webRequest: { onHeadersReceived: () => out('onHeadersReceived') },
};
class BrowserWindow extends EventEmitter {
  constructor(o) {
    super();
    this.webContents = new WebContents();
    out('window', { webPreferences: o.webPreferences });
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(u) {
    out('loadURL', { url: u });
    // The shell has booted once it loads its page: quit a little later.
    setTimeout(
      () => {
        out('requesting-quit');
        app.quit();
      },
      Number(process.env.FAKE_QUIT_AFTER_MS || 500),
    );
    return Promise.resolve();
  }
  show() {}
  hide() {}
  focus() {}
  restore() {}
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return false;
  }
}
class Tray extends EventEmitter {
  constructor(image) {
    super();
    out('tray', { image });
  }
  setImage(image) {
    out('trayImage', { image });
  }
  setToolTip(t) {
    out('trayToolTip', { t });
  }
  setContextMenu(m) {
    out('trayMenu', { labels: m.map((i) => i.label ?? '---') });
  }
  destroy() {}
}
class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(o) {
    super();
    this.o = o;
  }
  show() {
    out('notification', this.o);
  }
}
const fake = {
  app,
  BrowserWindow,
  Tray,
  Notification,
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu() {} },
  ipcMain: { handle: (c) => out('ipcHandle', { channel: c }), removeHandler() {} },
  powerSaveBlocker: { start: () => 1, stop() {}, isStarted: () => false },
  // Keyboard/mouse idle time for the "you are using the computer" pause: an hour idle.
  powerMonitor: {
    getSystemIdleTime: () => (out('idleTime'), 3600),
    getSystemIdleState: (threshold) => (out('idleState', { threshold }), 'idle'),
  },
  safeStorage: {
    isAsyncEncryptionAvailable: async () => true,
    encryptStringAsync: async (s) => Buffer.from(s),
    decryptStringAsync: async (b) => ({ result: b.toString(), shouldReEncrypt: false }),
    getSelectedStorageBackend: () => 'basic_text',
  },
  shell: { openPath: async () => '' },
  dialog: {
    showErrorBox: (title, content) => out('errorBox', { title, content }),
  },
  net: { fetch: async () => new Response('') },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => out('registerSchemesAsPrivileged', { schemes }),
    handle: (scheme) => out('protocolHandle', { scheme }),
  },
  session: { defaultSession: session },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'electron') return fake;
  return load.call(this, request, ...rest);
};
setTimeout(() => {
  out('ready');
  readyResolve();
}, 10);
setTimeout(() => out('never-loaded'), 20_000).unref();
