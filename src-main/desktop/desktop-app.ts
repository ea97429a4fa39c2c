import { APP_INDEX_URL } from './app-protocol.js';
import type { NodeStateDto, SettingsDto, StatsDto } from '../contract/index.js';
import type { Clock } from '../service/host-api.js';
import type { Disposable, Logger } from '../service/host-api.js';
import { COMMAND_NAMES } from '../service/command-args.js';
import type { EventListener } from '../service/event-hub.js';
import type {
  AppLike,
  BrowserWindowCtor,
  BrowserWindowLike,
  IpcMainLike,
  MenuLike,
  NotificationCtor,
  PowerSaveBlockerLike,
} from './electron-like.js';
import { pushEvent, registerCommands, sameFileSender, type CommandRunner } from './ipc/main-ipc.js';
import { KeepAwake } from './keep-awake.js';
import { Notifier } from './notifier.js';
import { installQuitFlow } from './quit-flow.js';
import { confirmStop, type MessageBoxLike } from './stop-confirm.js';
import { TrayController, type TrayCtor } from './tray.js';
import { createMainWindow, revealWindow } from './window.js';

/** The Electron modules the shell uses (the real ones in main.ts, fakes in tests). */
export interface DesktopElectron {
  app: AppLike;
  BrowserWindow: BrowserWindowCtor;
  Tray: TrayCtor;
  Menu: MenuLike;
  ipcMain: IpcMainLike;
  powerSaveBlocker: PowerSaveBlockerLike;
  Notification: NotificationCtor;
  /** The tray's Stop asks before stopping running jobs. */
  dialog: MessageBoxLike;
}

/** What the shell needs from the UI service. */
export interface DesktopService extends CommandRunner {
  subscribe(listener: EventListener): Disposable;
  currentState(): NodeStateDto;
  currentSettings(): SettingsDto;
  shutdown(drainTimeoutMs: number): Promise<void>;
}

export interface DesktopAppOptions {
  electron: DesktopElectron;
  service: DesktopService;
  paths: { preload: string; indexHtml: string; trayIconDir: string; appIcon?: string };
  platform: NodeJS.Platform;
  clock: Clock;
  logger: Logger;
  /** Started at login: stay in the tray. */
  startHidden: boolean;
  drainTimeoutMs: number;
  /** Applies the launch-at-login setting (XDG autostart file on Linux). */
  setLaunchAtLogin: (enabled: boolean) => Promise<void>;
  /** Remembers Start/Stop so a node left running starts again with the app. */
  runIntent?: { wanted(): Promise<boolean>; set(running: boolean): Promise<void> };
}

export interface DesktopApp {
  openDashboard(): void;
  /** Drains the agent once; later calls share the same promise (quit flow, updater). */
  drain(): Promise<void>;
  readonly tray: TrayController;
  window(): BrowserWindowLike | null;
}

/** Composes the shell: IPC, window, tray, quit flow, keep-awake, notifications, settings. */
export function startDesktopApp(opts: DesktopAppOptions): DesktopApp {
  const { electron, service, clock, logger } = opts;
  const log = logger.child('desktop');
  let win: BrowserWindowLike | null = null;
  let draining: Promise<void> | null = null;
  const drain = (timeoutMs = opts.drainTimeoutMs) => (draining ??= service.shutdown(timeoutMs));

  const quit = installQuitFlow(electron.app, {
    drain,
    drainTimeoutMs: opts.drainTimeoutMs,
    clock,
    onError: (err) =>
      log.error('The node did not stop cleanly before quitting.', { error: String(err) }),
  });

  // Start and Stop from the window or the tray are remembered for the next launch.
  const commands: CommandRunner = {
    invoke: async (command, arg) => {
      const result = await service.invoke(command, arg);
      if (command === 'start' || command === 'stop') {
        opts.runIntent
          ?.set(command === 'start')
          .catch((err: unknown) =>
            log.warn('Could not remember whether the node runs.', { error: String(err) }),
          );
      }
      return result;
    },
  };
  registerCommands(electron.ipcMain, commands, COMMAND_NAMES, sameFileSender(APP_INDEX_URL));

  const createWindow = (show: boolean) => {
    const created = createMainWindow(electron.BrowserWindow, {
      preloadPath: opts.paths.preload,
      indexUrl: APP_INDEX_URL,
      ...(opts.paths.appIcon ? { iconPath: opts.paths.appIcon } : {}),
      isQuitting: quit.isQuitting,
      showOnReady: show,
      log,
    });
    created.on('closed', () => {
      if (win === created) win = null;
    });
    return created;
  };
  const openDashboard = () => {
    if (!win || win.isDestroyed()) win = createWindow(true);
    revealWindow(win);
  };

  const runFromTray = (command: 'start' | 'stop' | 'resume' | 'pause', minutes?: number | null) => {
    tray.setError(null);
    const arg = command === 'pause' ? { minutes: minutes ?? null } : undefined;
    commands.invoke(command, arg).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      tray.setError(message);
      if (command === 'start') notifier.onStartFailed(message);
      log.warn(`${command} from the tray failed: ${message}`);
    });
  };
  // Jobs running now, from the service's stats pushes (the tray's Stop asks while any runs).
  let inFlight = 0;
  const stopFromTray = async () => {
    const go = await confirmStop(electron.dialog, inFlight, opts.drainTimeoutMs).catch(
      (err: unknown) => {
        log.warn(`Could not ask before stopping: ${String(err)}`);
        return false;
      },
    );
    if (go) runFromTray('stop');
  };
  const tray = new TrayController(
    {
      Tray: electron.Tray,
      Menu: electron.Menu,
      iconDir: opts.paths.trayIconDir,
      platform: opts.platform,
      actions: {
        start: () => runFromTray('start'),
        stop: () => void stopFromTray(),
        pause: (minutes) => runFromTray('pause', minutes),
        resume: () => runFromTray('resume'),
        openDashboard,
        quit: () => electron.app.quit(),
      },
    },
    service.currentState(),
  );

  const keepAwake = new KeepAwake(electron.powerSaveBlocker);
  const notifier = new Notifier({
    Notification: electron.Notification,
    clock,
    onClick: openDashboard,
  });
  let settings = service.currentSettings();
  let state = service.currentState();
  const applySettings = (next: SettingsDto, first: boolean) => {
    if (first || next.launchAtLogin !== settings.launchAtLogin) {
      opts
        .setLaunchAtLogin(next.launchAtLogin)
        .catch((err: unknown) =>
          log.warn('Could not change "launch at login".', { error: String(err) }),
        );
    }
    settings = next;
    keepAwake.update(settings.keepAwake, state.state);
  };
  applySettings(settings, true);
  notifier.onState(state);

  service.subscribe((event, payload) => {
    pushEvent(win?.webContents, event, payload);
    if (event === 'state') {
      state = payload as NodeStateDto;
      tray.update(state);
      keepAwake.update(settings.keepAwake, state.state);
      notifier.onState(state);
    } else if (event === 'stats') {
      inFlight = (payload as StatsDto).inFlight;
    } else if (event === 'settings') {
      applySettings(payload as SettingsDto, false);
    } else if (event === 'setup') {
      notifier.onSetup(payload as Parameters<Notifier['onSetup']>[0]);
    }
  });

  win = createWindow(!opts.startHidden);
  electron.app.on('activate', openDashboard);
  void opts.runIntent?.wanted().then((running) => {
    if (running) runFromTray('start');
  });

  return { openDashboard, drain: () => drain(), tray, window: () => win };
}
