import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { systemClock } from '../../src-main/core/clock.js';
import { silentLogger } from '../../src-main/core/logger.js';
import type { ChildLike } from '../../src-main/core/runtime/gpu/gpu-sampler.js';
import { GPU_QUERY_FIELDS, parseGpuCsv } from '../../src-main/core/runtime/gpu/nvidia-smi-query.js';
import { GpuSource } from '../../src-main/service/gpu-source.js';

/** One of the nvidia-smi recordings in tests/fixtures/nvidia-smi. */
export function recording(name: string): string {
  return readFileSync(new URL(`../fixtures/nvidia-smi/${name}`, import.meta.url), 'utf8');
}

/** The GPUs of a recording, as the node's probe reads them. */
export function recordedGpus(name: string) {
  return parseGpuCsv(recording(name), GPU_QUERY_FIELDS);
}

/**
 * A GpuSource on a machine whose nvidia-smi answers with `name` (the probe reads the recording;
 * the sampler's child process stays silent, so the probe's readings are what the node has).
 */
export function recordedGpuSource(name: string): GpuSource {
  return new GpuSource({
    host: {
      platform: 'linux',
      env: { PATH: '/usr/bin' },
      isFile: async (p) => p === '/usr/bin/nvidia-smi',
      readdir: async () => [],
    },
    run: async () => ({ exitCode: 0, stdout: recording(name), stderr: '' }),
    spawn: () =>
      Object.assign(new EventEmitter(), {
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        kill: () => true,
      }) as unknown as ChildLike,
    clock: systemClock,
    logger: silentLogger,
  });
}
