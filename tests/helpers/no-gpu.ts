import { systemClock } from '../../src-main/core/clock.js';
import { silentLogger } from '../../src-main/core/logger.js';
import { GpuSource } from '../../src-main/service/gpu-source.js';

/** A GpuSource on a machine without nvidia-smi (what CI has); nothing is spawned. */
export function noGpuSource(): GpuSource {
  return new GpuSource({
    host: { platform: 'linux', env: {}, isFile: async () => false, readdir: async () => [] },
    run: async () => ({
      exitCode: null,
      stdout: '',
      stderr: '',
      error: { code: 'ENOENT', message: '' },
    }),
    spawn: () => {
      throw new Error('no nvidia-smi here');
    },
    clock: systemClock,
    logger: silentLogger,
  });
}

/** Electron's async safeStorage on a Linux desktop with a keyring (reversible, for tests). */
export const fakeSafeStorage = {
  isAsyncEncryptionAvailable: async () => true,
  encryptStringAsync: async (text: string) => Buffer.from(`sealed:${text}`),
  decryptStringAsync: async (data: Buffer) => ({
    result: data.toString().replace(/^sealed:/, ''),
    shouldReEncrypt: false,
  }),
  getSelectedStorageBackend: () => 'gnome_libsecret' as const,
};
