// A fake of the slices of Electron the desktop shell uses (src-main/desktop/electron-like.ts),
// recording what the shell does so unit tests can assert it without the Electron binary.
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type {
  BrowserWindowOptionsLike,
  CustomSchemeLike,
  IpcMainInvokeEventLike,
  MenuItemOptionsLike,
  OnHeadersReceivedDetails,
  PermissionRequestHandler,
  PreventableEvent,
  WebPreferencesLike,
  WindowOpenDetails,
  PowerMonitorLike,
} from '../../src-main/desktop/electron-like.js';

export function preventable(): PreventableEvent & { defaultPrevented: boolean } {
  const e = {
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

type HeadersListener = (
  details: OnHeadersReceivedDetails,
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

export class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: ((wc: unknown, permission: string) => boolean) | null = null;
  headersListener: HeadersListener | null = null;
  setPermissionRequestHandler(h: PermissionRequestHandler | null) {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: ((wc: unknown, permission: string) => boolean) | null) {
    this.permissionCheckHandler = h;
  }
  webRequest = {
    onHeadersReceived: (l: HeadersListener) => {
      this.headersListener = l;
    },
  };
}

export class FakeWebContents extends EventEmitter {
  sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((d: WindowOpenDetails) => { action: 'deny' }) | null = null;
  destroyed = false;
  constructor(readonly session: FakeSession = new FakeSession()) {
    super();
  }
  setWindowOpenHandler(h: (d: WindowOpenDetails) => { action: 'deny' }) {
    this.windowOpenHandler = h;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  reloads = 0;
  reload() {
    this.reloads += 1;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** Fires a preventable event the way Electron does; returns whether it was prevented. */
  fire(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', arg: unknown): boolean {
    const e = preventable();
    this.emit(event, e, arg);
    return e.defaultPrevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: string | null = null;
  visible = false;
  focused = false;
  minimized = false;
  destroyed = false;
  constructor(readonly options: BrowserWindowOptionsLike) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  get webPreferences(): WebPreferencesLike | undefined {
    return this.options.webPreferences;
  }
  async loadURL(url: string) {
    this.loaded = url;
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {
    this.focused = true;
  }
  restore() {
    this.minimized = false;
  }
  isMinimized() {
    return this.minimized;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** The user clicks the window's close button; returns whether the close was prevented. */
  userClose(): boolean {
    const e = preventable();
    this.emit('close', e);
    if (!e.defaultPrevented) {
      this.destroyed = true;
      this.emit('closed');
    }
    return e.defaultPrevented;
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  image: string;
  toolTip = '';
  menu: MenuItemOptionsLike[] = [];
  destroyed = false;
  constructor(image: string) {
    super();
    this.image = image;
    FakeTray.instances.push(this);
  }
  setImage(image: string) {
    this.image = image;
  }
  setToolTip(t: string) {
    this.toolTip = t;
  }
  setContextMenu(menu: unknown) {
    this.menu = menu as MenuItemOptionsLike[];
  }
  destroy() {
    this.destroyed = true;
  }
  /** Clicks the menu item with this label. */
  clickItem(label: string) {
    const item = this.menu.find((i) => i.label === label);
    if (!item?.click) throw new Error(`no clickable tray item "${label}"`);
    item.click();
  }
}

/** Electron's `dialog.showMessageBox`: records each box and answers with the button queued. */
export class FakeDialog {
  shown: { title: string; detail: string; buttons: string[] }[] = [];
  /** The index of the button the operator "clicks" next (default: the cancel button). */
  answers: number[] = [];
  async showMessageBox(o: { title: string; detail: string; buttons: string[]; cancelId: number }) {
    this.shown.push({ title: o.title, detail: o.detail, buttons: o.buttons });
    return { response: this.answers.shift() ?? o.cancelId };
  }
}

export const FakeMenu = { buildFromTemplate: (template: MenuItemOptionsLike[]) => template };

type Handler = (event: IpcMainInvokeEventLike, ...args: unknown[]) => Promise<unknown>;

export class FakeIpcMain {
  handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

/** The renderer side, connected to a FakeIpcMain and a FakeWebContents (for pushes). */
export class FakeIpcRenderer extends EventEmitter {
  constructor(
    private readonly main: FakeIpcMain,
    private readonly frameUrl: string,
  ) {
    super();
  }
  async invoke(channel: string, ...args: unknown[]) {
    const handler = this.main.handlers.get(channel);
    if (!handler)
      throw new Error(`Error invoking remote method '${channel}': No handler registered`);
    // Structured clone, as Electron's IPC does.
    return structuredClone(await handler({ senderFrame: { url: this.frameUrl } }, ...args));
  }
  /** Delivers what main sent to a webContents, as ipcRenderer.on listeners would see it. */
  deliver(sent: { channel: string; args: unknown[] }[]) {
    for (const s of sent) this.emit(s.channel, { sender: 'ipc' }, ...structuredClone(s.args));
  }
}

export class FakeApp extends EventEmitter {
  lockGranted = true;
  quitCalls = 0;
  loginItem: { openAtLogin: boolean; args?: string[] } | null = null;
  requestSingleInstanceLock() {
    return this.lockGranted;
  }
  /** Like Electron: quit() emits before-quit, and quits unless a listener prevents it. */
  quit() {
    this.quitCalls++;
    const e = preventable();
    this.emit('before-quit', e);
    if (!e.defaultPrevented) this.emit('quit');
  }
  exit() {
    this.emit('quit');
  }
  setLoginItemSettings(s: { openAtLogin: boolean; args?: string[] }) {
    this.loginItem = s;
  }
}

export class FakePowerSaveBlocker {
  private next = 1;
  started = new Set<number>();
  log: string[] = [];
  start(type: string) {
    const id = this.next++;
    this.started.add(id);
    this.log.push(`start:${type}`);
    return id;
  }
  stop(id: number) {
    this.started.delete(id);
    this.log.push('stop');
  }
  isStarted(id: number) {
    return this.started.has(id);
  }
}

export function fakeNotificationClass() {
  const shown: { title: string; body: string }[] = [];
  class FakeNotification extends EventEmitter {
    static isSupported() {
      return true;
    }
    constructor(readonly options: { title: string; body: string }) {
      super();
    }
    show() {
      shown.push(this.options);
    }
  }
  return { Notification: FakeNotification, shown };
}

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

/** Electron's `protocol`: records privileged schemes and serves requests through handlers. */
export class FakeProtocol {
  privileged: CustomSchemeLike[] = [];
  handlers = new Map<string, ProtocolHandler>();
  registerSchemesAsPrivileged(schemes: CustomSchemeLike[]) {
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: ProtocolHandler) {
    if (this.handlers.has(scheme)) throw new Error(`second handler for ${scheme}`);
    this.handlers.set(scheme, handler);
  }
  /** What the renderer would get for this URL. */
  async request(url: string): Promise<Response> {
    const handler = this.handlers.get(new URL(url).protocol.slice(0, -1));
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME ${url}`);
    return handler(new Request(url));
  }
}

/** Electron's `net.fetch`, for the file: URLs the app:// handler reads (real files). */
export const fakeNet = {
  fetched: [] as string[],
  async fetch(url: string): Promise<Response> {
    fakeNet.fetched.push(url);
    if (!url.startsWith('file:')) throw new Error(`fake net.fetch reads file: URLs only: ${url}`);
    try {
      const body = await readFile(fileURLToPath(url));
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/plain' } });
    } catch {
      return new Response('', { status: 404 });
    }
  },
};

/**
 * Electron's powerMonitor idle clock: seconds since the last keyboard or mouse input, which the
 * test moves with `input()` (someone typed) and `idleFor()` (nobody did for a while).
 */
export class FakePowerMonitor implements PowerMonitorLike {
  private lastInputAt: number;
  state: 'idle' | 'unknown' = 'idle';
  constructor(private readonly now: () => number = Date.now) {
    this.lastInputAt = now() - 3_600_000;
  }
  input(): void {
    this.lastInputAt = this.now();
  }
  idleFor(seconds: number): void {
    this.lastInputAt = this.now() - seconds * 1000;
  }
  getSystemIdleTime(): number {
    return Math.floor((this.now() - this.lastInputAt) / 1000);
  }
  getSystemIdleState(_threshold: number): 'active' | 'idle' | 'locked' | 'unknown' {
    return this.state;
  }
}

/** One fresh fake electron module. */
export function fakeElectron() {
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  const notifications = fakeNotificationClass();
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Menu: FakeMenu,
    ipcMain: new FakeIpcMain(),
    powerSaveBlocker: new FakePowerSaveBlocker(),
    powerMonitor: new FakePowerMonitor(),
    Notification: notifications.Notification,
    dialog: new FakeDialog(),
    shownNotifications: notifications.shown,
  };
}
