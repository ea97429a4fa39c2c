// Electron main: thin wiring only. The logic lives in modules that take Electron-shaped objects
// (desktop-app.ts, tray.ts, quit-flow.ts, …) and are unit-tested with a fake Electron.
import './install-security.js';
import { join } from 'node:path';
import {
  BrowserWindow,
  Menu,
  Notification,
  Tray,
  app,
  dialog,
  powerMonitor,
  powerSaveBlocker,
  safeStorage,
  shell,
} from 'electron';
import { DESKTOP_DRAIN_TIMEOUT_MS, type SettingsDto } from '../contract/index.js';
import { NODE_V8_FLAGS } from '../core/system/memory-flags.js';
import { platformFullscreenProbe } from '../core/pause/fullscreen-probe.js';
import { nodeRun } from '../core/runtime/gpu/node-host.js';
import { systemClock } from '../service/host-api.js';
import { composeDesktopNode } from './desktop-node.js';
import { NodeSwitcher } from './node-switcher.js';
import { startDesktopApp, type DesktopApp } from './desktop-app.js';
import { desktopIpcMain } from './ipc/electron-ipc.js';
import { keyDialogs } from './key-dialogs.js';
import { HIDDEN_FLAG, applyLaunchAtLogin } from './launch-at-login.js';
import { desktopPaths } from './paths.js';
import { RunIntent } from './run-intent.js';
import { claimSingleInstance } from './single-instance.js';
import { startUpdater } from './updater/index.js';
import { UpdaterLink } from './updater/updater-link.js';

const DRAIN_TIMEOUT_MS = DESKTOP_DRAIN_TIMEOUT_MS;

// Inference needs the GPU's memory more than the dashboard needs compositing.
app.disableHardwareAcceleration();
// The headless node's V8 memory settings (core/system/memory-flags.ts), here through Electron.
// Reviewed: a fixed heap-sizing flag from our own constant, no switch that weakens the sandbox,
// web security or context isolation, and nothing taken from the command line or a page.
app.commandLine.appendSwitch('js-flags', NODE_V8_FLAGS.join(' ')); // eng-disable CUSTOM_ARGUMENTS_JS_CHECK

let desktop: DesktopApp | null = null;

if (claimSingleInstance(app, () => desktop?.openDashboard())) {
  app.whenReady().then(boot).catch(fatal);
}

async function boot(): Promise<void> {
  const paths = desktopPaths({
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    isPackaged: app.isPackaged,
    platform: process.platform,
    env: process.env,
  });
  // The node kit (service/node-kit.ts), shared with the headless node; the OS keychain keeps
  // the node key's secret (async safeStorage API).
  // The network may name a newer version: the updater checks then (it starts after the node).
  const updaterLink = new UpdaterLink();
  const compose = () =>
    composeDesktopNode({
      paths,
      agentUpdate: updaterLink,
      safeStorage,
      env: process.env,
      appVersion: app.getVersion(),
      openFolder: async (path) => {
        const problem = await shell.openPath(path);
        if (problem) throw new Error(`Could not open ${path}: ${problem}`);
      },
      drainTimeoutMs: DRAIN_TIMEOUT_MS,
      // Electron's dialog functions are overloaded (with or without a window): pick one form.
      keyDialogs: keyDialogs({
        showSaveDialog: (options) => dialog.showSaveDialog(options),
        showOpenDialog: (options) => dialog.showOpenDialog(options),
        showMessageBox: (options) => dialog.showMessageBox(options),
      }),
      logSink: (e) => console.log(`[${e.level}] ${e.source}: ${e.message}`),
      // Settings → When to pause: keyboard/mouse activity and full-screen applications.
      pauseSources: {
        idle: powerMonitor,
        fullscreen: platformFullscreenProbe({
          platform: process.platform,
          run: nodeRun,
          env: process.env,
        }),
        ownPid: process.pid,
      },
    });
  // Choosing another network in Settings swaps the node behind this object, without a restart.
  const node = new NodeSwitcher(await compose(), {
    compose,
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
    onSwitched: () => desktop?.window()?.webContents.reload(),
  });
  app.on('will-quit', () => void node.current.close());
  const { settings } = node.current.kit;
  const logger = node.shellLogger();
  const service = node;

  desktop = startDesktopApp({
    electron: {
      app,
      BrowserWindow,
      Tray,
      Menu,
      ipcMain: desktopIpcMain,
      powerSaveBlocker,
      Notification,
      dialog: { showMessageBox: (options) => dialog.showMessageBox(options) },
    },
    service,
    paths,
    platform: process.platform,
    clock: systemClock,
    logger,
    startHidden: process.argv.includes(HIDDEN_FLAG),
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
    // One for the app, whatever the network: Start/Stop is the operator's, not a network's.
    runIntent: new RunIntent(join(settings.dataDir, 'run-intent.json')),
    setLaunchAtLogin: (enabled) =>
      applyLaunchAtLogin(
        {
          app,
          platform: process.platform,
          execPath: process.env.APPIMAGE ?? process.execPath,
          autostartDir: paths.autostartDir,
        },
        enabled,
      ),
  });

  const running = desktop;
  const updater = await startUpdater({
    app,
    drainAgent: () => running.drain(),
    settings,
    logger,
    onReady: (status) => {
      if (!Notification.isSupported()) return;
      new Notification({
        title: 'Resultity Node update ready',
        body: `Version ${status.availableVersion ?? ''} installs when you quit the app.`,
      }).show();
    },
  });
  updaterLink.attach(updater);
  service.subscribe((event, payload) => {
    if (event !== 'settings') return;
    updater.setEnabled((payload as SettingsDto).autoUpdate);
  });
  logger.info(`Resultity Node ${app.getVersion()} started; data in ${node.current.kit.dirs.base}.`);
}

function fatal(err: unknown): void {
  console.error('Resultity Node could not start:', err);
  // Said in a window, not only on a console nobody sees (e.g. "Already running (PID n) …").
  dialog.showErrorBox('Resultity Node could not start', (err as Error).message ?? String(err));
  app.exit(1);
}
