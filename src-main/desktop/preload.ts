// The only preload. It exposes ONE object on window[BRIDGE_GLOBAL]; the page gets no access to
// ipcRenderer, Node.js or Electron. Bundled to a single CommonJS file (sandboxed preload).
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL } from '../contract/api.js';
import { createPreloadBridge } from './ipc/preload-bridge.js';

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createPreloadBridge(ipcRenderer));
