// The one place in the shell that touches Electron's ipcMain; everything else goes through
// the typed helpers in main-ipc.ts.
import { ipcMain } from 'electron';
import type { IpcMainLike } from '../electron-like.js';

export const desktopIpcMain: IpcMainLike = ipcMain;
