import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultDataRoot } from '../service/host-api.js';

/** The built renderer, served as app://renderer/ (app-protocol.ts). */
export function rendererDir(appPath: string): string {
  return join(appPath, 'dist', 'renderer');
}

/** Where the shell finds its files and keeps its data. `appPath` is app.getAppPath(). */
export function desktopPaths(opts: {
  appPath: string;
  resourcesPath: string;
  isPackaged: boolean;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
}) {
  const dataRoot = defaultDataRoot(opts.platform, opts.env, homedir());
  return {
    dataRoot,
    settingsFile: join(dataRoot, 'settings.json'),
    preload: join(opts.appPath, 'dist', 'main', 'preload.cjs'),
    indexHtml: join(rendererDir(opts.appPath), 'index.html'),
    // electron-builder copies assets/tray into resources (extraResources) in a packaged app.
    trayIconDir: opts.isPackaged
      ? join(opts.resourcesPath, 'tray')
      : join(opts.appPath, 'assets', 'tray'),
    appIcon: opts.isPackaged
      ? join(opts.resourcesPath, 'icon.png')
      : join(opts.appPath, 'assets', 'generated', 'icon.png'),
    autostartDir: join(
      opts.env.XDG_CONFIG_HOME?.startsWith('/')
        ? opts.env.XDG_CONFIG_HOME
        : join(homedir(), '.config'),
      'autostart',
    ),
  };
}
