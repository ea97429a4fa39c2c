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
  powerSaveBlocker,
  safeStorage,
  shell,
} from 'electron';
import type { SettingsDto } from '../contract/index.js';
import { systemClock } from '../core/clock.js';
import { SafeStorageVault } from '../core/identity/vaults/safe-storage-vault.js';
import { createLogger } from '../core/logger.js';
import { ensureDataDirs, resolveDataDirs } from '../core/store/data-dirs.js';
import { LogStore } from '../core/store/log-store.js';
import { identityPaths } from '../core/identity/identity-store.js';
import { JsonFileSettingsStore, UiService } from '../service/index.js';
import { GpuSource } from '../service/gpu-source.js';
import { LogHub } from '../service/log-hub.js';
import { nodeLocateHost, nodeRun, nodeSpawn } from '../core/runtime/gpu/node-host.js';
import { createDesktopAgent } from './agent-boot.js';
import type { DesktopRunState } from './desktop-run.js';
import { startDesktopApp, type DesktopApp } from './desktop-app.js';
import { desktopIpcMain } from './ipc/electron-ipc.js';
import { HIDDEN_FLAG, applyLaunchAtLogin } from './launch-at-login.js';
import { desktopPaths } from './paths.js';
import { RunIntent } from './run-intent.js';
import { claimSingleInstance } from './single-instance.js';
import { startUpdater } from './updater/index.js';

const DRAIN_TIMEOUT_MS = 60_000;

// Inference needs the GPU's memory more than the dashboard needs compositing.
app.disableHardwareAcceleration();

let desktop: DesktopApp | null = null;

if (claimSingleInstance(app, () => desktop?.openDashboard())) {
  app.whenReady().then(boot, fatal);
}

async function boot(): Promise<void> {
  const paths = desktopPaths({
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    isPackaged: app.isPackaged,
    platform: process.platform,
    env: process.env,
  });
  const defaults: SettingsDto = {
    network: 'testnet',
    dataDir: paths.dataRoot,
    launchAtLogin: false,
    keepAwake: false,
    autoUpdate: true,
    maxConcurrentJobs: null,
    gpuMemoryHeadroomMb: 1024,
    theme: 'system',
  };
  const settingsStore = new JsonFileSettingsStore(paths.settingsFile, defaults);
  const settings = await settingsStore.load();
  let currentSettings = settings;
  const dirs = resolveDataDirs(settings.dataDir, settings.network);
  await ensureDataDirs(dirs);
  // Local log files: what "Open logs folder" shows; uploaded through the agent once online.
  let upload: DesktopRunState['upload'] = null;
  const logStore = new LogStore({
    dir: dirs.logs,
    upload: (batch) => (upload ? upload(batch) : Promise.reject(new Error('not online yet'))),
    onWarning: (m) => console.warn(m),
  });
  await logStore.start();
  app.on('will-quit', () => void logStore.close());
  const logs = new LogHub();
  const logger = createLogger(
    [logs.sink, logStore.sink, (e) => console.log(`[${e.level}] ${e.source}: ${e.message}`)],
    { source: 'app' },
  );
  const gpu = new GpuSource({
    host: nodeLocateHost(),
    run: nodeRun,
    spawn: nodeSpawn,
    clock: systemClock,
    logger,
  });
  app.on('will-quit', () => gpu.stop());
  // The node key's secret is protected by the OS keychain (async safeStorage API).
  const vault = new SafeStorageVault(safeStorage, identityPaths(dirs).safeStorageFile);
  const agent = await createDesktopAgent({
    settings: () => currentSettings,
    dirs,
    vault,
    logs,
    logger,
    clock: systemClock,
    agentVersion: app.getVersion(),
    env: process.env,
    logStore,
    setLogUpload: (fn) => (upload = fn),
    gpu,
  });

  const service = await UiService.create({
    agent,
    host: {
      kind: 'desktop',
      appVersion: app.getVersion(),
      exportDir: paths.exportDir,
      logsDir: dirs.logs,
      openFolder: async (path) => {
        const problem = await shell.openPath(path);
        if (problem) throw new Error(`Could not open ${path}: ${problem}`);
      },
    },
    settingsStore,
    clock: systemClock,
    logger,
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
  });

  desktop = startDesktopApp({
    electron: {
      app,
      BrowserWindow,
      Tray,
      Menu,
      ipcMain: desktopIpcMain,
      powerSaveBlocker,
      Notification,
    },
    service,
    paths,
    platform: process.platform,
    clock: systemClock,
    logger,
    startHidden: process.argv.includes(HIDDEN_FLAG),
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
    runIntent: new RunIntent(join(dirs.base, 'run-intent.json')),
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
  service.subscribe((event, payload) => {
    if (event !== 'settings') return;
    currentSettings = payload as SettingsDto;
    updater.setEnabled(currentSettings.autoUpdate);
  });
  logger.info(`Resultity Node ${app.getVersion()} started; data in ${join(dirs.base)}.`);
}

function fatal(err: unknown): void {
  console.error('Resultity Node could not start:', err);
  app.exit(1);
}
