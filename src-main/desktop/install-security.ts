// Imported first by main.ts, so the guards are in place before any window or webContents
// exists (Podman Desktop's security-restrictions pattern, without its webSecurity:false).
import { app } from 'electron';
import { installSecurityGuards } from './security.js';

installSecurityGuards(app, {
  warn: (message, fields) => console.warn(`[security] ${message}`, fields ?? ''),
});
