import type { NodeBridge, PreloadBridge } from '../../../src-main/contract/index.js';
import { BRIDGE_GLOBAL } from '../../../src-main/contract/index.js';
import { bridgeFromPreload } from '../../../src-main/contract/errors.js';
import { WS_BRIDGE_PATH } from '../../../src-main/contract/ws-frames.js';

/** Where the token survives a reload of the same tab (it is stripped from the URL bar). */
export const TOKEN_STORAGE_KEY = 'resultity.dashboardToken';

export type Transport =
  | { kind: 'preload'; bridge: NodeBridge }
  | { kind: 'websocket'; url: string; token: string | null };

/** The bits of `window` the choice depends on, so tests pass a plain object. */
export interface TransportEnv {
  bridgeGlobal: unknown;
  location: { protocol: string; host: string; pathname: string; search: string; hash: string };
  replaceUrl: (url: string) => void;
  storage: { getItem(k: string): string | null; setItem(k: string, v: string): void } | null;
}

export function isNodeBridge(value: unknown): value is NodeBridge {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { invoke?: unknown; on?: unknown };
  return typeof v.invoke === 'function' && typeof v.on === 'function';
}

/** Reads `#token=…` (other fragment parameters may sit beside it). */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#\/?/, ''));
  const token = params.get('token');
  return token && token.trim() !== '' ? token.trim() : null;
}

/**
 * The Electron preload bridge when present; otherwise the WebSocket bridge on the same host,
 * authenticated with the token from the URL fragment, which is then removed from the URL bar.
 */
export function selectTransport(env: TransportEnv): Transport {
  if (isNodeBridge(env.bridgeGlobal)) {
    const raw = env.bridgeGlobal as NodeBridge & Partial<PreloadBridge>;
    // invokeReply keeps error name/code, which Electron's contextBridge drops from rejections.
    const bridge =
      typeof raw.invokeReply === 'function' ? bridgeFromPreload(raw as PreloadBridge) : raw;
    return { kind: 'preload', bridge };
  }
  const { location } = env;
  let token = tokenFromHash(location.hash);
  if (token) {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, token);
    } catch {
      // Storage may be disabled; the token then lasts for this page only.
    }
    env.replaceUrl(`${location.pathname}${location.search}#/overview`);
  } else {
    try {
      token = env.storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
    } catch {
      token = null;
    }
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { kind: 'websocket', url: `${scheme}//${location.host}${WS_BRIDGE_PATH}`, token };
}

export function browserTransportEnv(): TransportEnv {
  let storage: TransportEnv['storage'];
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null; // blocked storage throws on access
  }
  return {
    bridgeGlobal: (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL],
    location: window.location,
    replaceUrl: (url) => window.history.replaceState(null, '', url),
    storage,
  };
}
