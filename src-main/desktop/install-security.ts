// Imported first by main.ts, so the guards are in place before any window or webContents
// exists (Podman Desktop's security-restrictions pattern, without its webSecurity:false).
import { app, net, protocol } from 'electron';
import { APP_SCHEME_PRIVILEGES, installAppProtocol } from './app-protocol.js';
import { rendererDir } from './paths.js';
import { installSecurityGuards } from './security.js';

const log = {
  warn: (message: string, fields?: Record<string, unknown>) =>
    console.warn(`[security] ${message}`, fields ?? ''),
};

installSecurityGuards(app, log);
// The renderer's scheme must be registered before `ready`; its handler once ready, which is
// before main.ts's own whenReady() callback opens the window (callbacks run in order).
protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES);
void app
  .whenReady()
  .then(() => installAppProtocol({ protocol, net, root: rendererDir(app.getAppPath()), log }));
