import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';

/** What engine discovery reads from the machine; injected so every OS is unit-tested anywhere. */
export interface DiscoveryHost {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  /** Numeric user id (POSIX), null on Windows. */
  uid: number | null;
  /** File contents, or null when missing or unreadable. */
  readFile(p: string): Promise<string | null>;
  exists(p: string): Promise<boolean>;
}

export function nodeDiscoveryHost(): DiscoveryHost {
  return {
    platform: process.platform,
    env: process.env,
    homedir: os.homedir(),
    uid: typeof process.getuid === 'function' ? process.getuid() : null,
    readFile: async (p) => {
      try {
        return await readFile(p, 'utf8');
      } catch {
        return null;
      }
    },
    exists: async (p) => {
      try {
        await stat(p);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** True inside a WSL distribution (Linux kernel built by Microsoft). */
export async function isWsl(host: DiscoveryHost): Promise<boolean> {
  if (host.platform !== 'linux') return false;
  if (host.env.WSL_DISTRO_NAME) return true;
  const version = await host.readFile('/proc/version');
  return !!version && /microsoft/i.test(version);
}
