import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';

/**
 * Real-engine and real-browser tests run whenever the part is present. Under CI=true they must
 * run: a missing engine or browser fails the suite instead of skipping it.
 */
export const inCI = process.env.CI === 'true';

export function dockerSocketPath(): string {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

export interface Availability {
  available: boolean;
  reason: string;
}

export async function dockerAvailability(): Promise<Availability> {
  const socket = dockerSocketPath();
  const ok = existsSync(socket) && (await ping(socket));
  const reason = ok ? '' : `no Docker engine answering on ${socket}`;
  return gate(ok, reason, 'Docker');
}

export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

export function chromiumAvailability(): Availability {
  const path = chromiumPath();
  return gate(!!path, 'no Chromium at /usr/bin/chromium (apt-get install chromium)', 'Chromium');
}

function gate(ok: boolean, reason: string, what: string): Availability {
  if (ok) return { available: true, reason: '' };
  if (inCI) throw new Error(`${what} is required under CI=true but is missing: ${reason}`);
  console.warn(`[skip] ${what} tests skipped: ${reason}`);
  return { available: false, reason };
}

/** A command-line tool answers `args` (exit 0); Debian package named in the skip reason. */
export function toolAvailability(tool: string, args: string[], aptPackage: string): Availability {
  const ok = spawnSync(tool, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return gate(ok, `no working ${tool} (apt-get install ${aptPackage})`, tool);
}
