import { execFile, spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import type { LocateHost } from './nvidia-smi-locate.js';
import type { RunFn } from './gpu-probe.js';
import type { SpawnFn } from './gpu-sampler.js';

/** The real machine, for production wiring of the GPU probe and sampler. */
export function nodeLocateHost(): LocateHost {
  return {
    platform: process.platform,
    env: process.env,
    isFile: async (p) => {
      try {
        return (await stat(p)).isFile();
      } catch {
        return false;
      }
    },
    readdir: async (p) => {
      try {
        return await readdir(p);
      } catch {
        return [];
      }
    },
  };
}

export const nodeRun: RunFn = (file, args, timeoutMs) =>
  new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, windowsHide: true, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve({ exitCode: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
        const exitCode = typeof e.code === 'number' ? e.code : null;
        resolve({
          exitCode,
          stdout,
          stderr,
          ...(exitCode === null
            ? {
                error: {
                  code: typeof e.code === 'string' ? e.code : undefined,
                  message: e.message,
                },
              }
            : {}),
        });
      },
    );
  });

export const nodeSpawn: SpawnFn = (file, args) =>
  spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
