import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../service/host-api.js';
import type { AppLike } from './electron-like.js';

/** Started at login, the app stays in the tray instead of opening its window. */
export const HIDDEN_FLAG = '--hidden';

export interface LaunchAtLoginOptions {
  app: AppLike;
  platform: NodeJS.Platform;
  /** The app's executable (process.execPath; $APPIMAGE for an AppImage). */
  execPath: string;
  /** Linux: the XDG autostart folder (~/.config/autostart). */
  autostartDir: string;
}

/**
 * Opt-in launch at login. macOS and Windows use Electron's login items; Linux has none, so a
 * standard XDG autostart entry is written (and removed when turned off).
 */
export async function applyLaunchAtLogin(
  opts: LaunchAtLoginOptions,
  enabled: boolean,
): Promise<void> {
  if (opts.platform !== 'linux') {
    opts.app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
    return;
  }
  const file = join(opts.autostartDir, 'resultity-node.desktop');
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(opts.autostartDir, { recursive: true });
  const exec = `"${opts.execPath.replace(/(["\\$`])/g, '\\$1')}" ${HIDDEN_FLAG}`;
  const entry = [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Resultity Node',
    'Comment=Lend your GPU to the Resultity network',
    `Exec=${exec}`,
    'X-GNOME-Autostart-enabled=true',
    'Terminal=false',
    '',
  ].join('\n');
  await writeFileAtomic(file, entry, { mode: 0o644 });
}
