// The renderer is served from app://renderer/… instead of file://, so a script in the page can
// reach only the files of dist/renderer, never the node's key files (modelled on Signal
// Desktop's app/protocol_filter.ts). The GrantFileProtocolExtraPrivileges fuse is off
// (build/fuses.cjs), so no page of ours has file:// privileges either.
import { realpath, stat } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NetLike, ProtocolLike } from './electron-like.js';
import { DESKTOP_CSP } from './security.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
/** What the window loads; the IPC sender check accepts only frames showing this page. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Registered before `app` is ready (Electron's rule). `standard` gives the scheme an origin
 * (relative URLs, ES modules); `secure` treats it like https. No `bypassCSP`, no CORS, no
 * service workers: the page is a single static app.
 */
export const APP_SCHEME_PRIVILEGES = [
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true },
  },
];

/** Why a request was refused, for the log (never shown to the page). */
export type AppRequestResult = { file: string } | { refused: string };

export interface FsLike {
  realpath(path: string): Promise<string>;
  isFile(path: string): Promise<boolean>;
}

/** Electron patches the callback forms of fs for app.asar; the promise forms are not all patched. */
export const nodeFs: FsLike = {
  realpath: (path) =>
    new Promise((resolve, reject) =>
      realpath(path, (err, real) => (err ? reject(err) : resolve(real))),
    ),
  isFile: (path) =>
    new Promise((resolve) => stat(path, (err, info) => resolve(!err && info.isFile()))),
};

/**
 * Maps an app:// URL to a file inside `root`, or says why not. Refused: another scheme or host,
 * an encoded `..`, `/` or `\`, an absolute path, NUL, and anything whose real path (symlinks
 * resolved) lies outside the real `root`.
 */
export async function resolveAppRequest(
  rawUrl: string,
  root: string,
  fs: FsLike = nodeFs,
): Promise<AppRequestResult> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { refused: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:`) return { refused: `scheme ${url.protocol}` };
  if (url.host !== APP_HOST) return { refused: `unknown host "${url.host}"` };
  // WHATWG URL parsing has already removed literal dot segments; anything left is encoded.
  const encoded = url.pathname.replace(/^\//, '') || 'index.html';
  let rel: string;
  try {
    rel = decodeURIComponent(encoded);
  } catch {
    return { refused: 'bad percent-encoding' };
  }
  if (rel.includes('\0')) return { refused: 'NUL in path' };
  if (rel.includes('\\')) return { refused: 'backslash in path' };
  if (isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) return { refused: 'absolute path' };
  if (rel.split('/').some((segment) => segment === '..')) return { refused: 'parent segment' };

  let realRoot: string;
  let real: string;
  try {
    realRoot = await fs.realpath(root);
    real = await fs.realpath(join(realRoot, ...rel.split('/')));
  } catch {
    return { refused: 'no such file' };
  }
  const inside = relative(realRoot, real);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    return { refused: 'outside the renderer folder' };
  }
  if (!(await fs.isFile(real))) return { refused: 'not a file' };
  return { file: real };
}

export interface AppProtocolOptions {
  protocol: ProtocolLike;
  net: NetLike;
  /** dist/renderer (inside app.asar when packaged). */
  root: string;
  log?: { warn(message: string, fields?: Record<string, unknown>): void };
  fs?: FsLike;
}

/** Serves app://renderer/ from `root` (call once `app` is ready, before any window loads). */
export function installAppProtocol(opts: AppProtocolOptions): void {
  opts.protocol.handle(APP_SCHEME, async (request) => {
    const result = await resolveAppRequest(request.url, opts.root, opts.fs);
    if ('refused' in result) {
      opts.log?.warn('Refused a request for a file outside the dashboard.', {
        url: request.url,
        why: result.refused,
      });
      return new Response('Not found', { status: 404, headers: securityHeaders() });
    }
    const response = await opts.net.fetch(pathToFileURL(result.file).href);
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(securityHeaders())) headers.set(name, value);
    return new Response(response.body, { status: response.status, headers });
  });
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': DESKTOP_CSP,
    'X-Content-Type-Options': 'nosniff',
  };
}
