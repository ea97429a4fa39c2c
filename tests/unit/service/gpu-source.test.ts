import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import type { ChildLike } from '../../../src-main/core/runtime/gpu/gpu-sampler.js';
import type { LocateHost } from '../../../src-main/core/runtime/gpu/nvidia-smi-locate.js';
import { GpuSource } from '../../../src-main/service/gpu-source.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/nvidia-smi/${name}`, import.meta.url), 'utf8');

const linuxWithSmi: LocateHost = {
  platform: 'linux',
  env: { PATH: '/usr/bin' },
  isFile: async (p) => p === '/usr/bin/nvidia-smi',
  readdir: async () => [],
};

function fakeChild() {
  const child = Object.assign(new EventEmitter(), {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    kill: () => true,
  });
  return child as unknown as ChildLike & { stdout: PassThrough };
}

describe('GpuSource', () => {
  it('probes once, then pushes every sample of the long-lived sampler', async () => {
    const child = fakeChild();
    const spawned: string[][] = [];
    const source = new GpuSource({
      host: linuxWithSmi,
      run: async () => ({ exitCode: 0, stdout: fixture('driver-550-two-gpus.csv'), stderr: '' }),
      spawn: (_file, args) => {
        spawned.push(args);
        return child;
      },
      clock: new ManualClock(),
      logger: silentLogger,
    });
    // Still probing: not a finding yet, and the dashboard must not say "cannot serve".
    expect(source.state()).toMatchObject({
      available: false,
      reason: 'Looking for NVIDIA GPUs…',
      probe: 'checking',
    });
    const states: boolean[] = [];
    source.onState((s) => states.push(s.available));
    const samples: number[] = [];
    source.onSample((s) => samples.push(s.index));
    await source.ready;
    expect(source.state()).toMatchObject({
      available: true,
      probe: 'checked',
      gpus: [
        { index: 0, name: 'NVIDIA RTX A6000', memoryTotalMb: 49140, driverVersion: '550.127.05' },
        { index: 1, name: 'NVIDIA RTX A6000' },
      ],
    });
    expect(states).toEqual([true]);
    expect(spawned).toHaveLength(1);
    expect(spawned[0]).toContain('-lms');
    child.stdout.write(fixture('driver-550-two-gpus.csv'));
    await new Promise((r) => setImmediate(r));
    expect(samples).toEqual([0, 1]);
    expect(source.latest().map((s) => s.utilizationPct)).toEqual([0, 97]);
    source.stop();
  });

  it('says plainly why a machine cannot serve inference', async () => {
    const source = new GpuSource({
      host: { ...linuxWithSmi, isFile: async () => false },
      run: async () => ({
        exitCode: null,
        stdout: '',
        stderr: '',
        error: { code: 'ENOENT', message: 'x' },
      }),
      spawn: () => {
        throw new Error('must not spawn');
      },
      clock: new ManualClock(),
      logger: silentLogger,
    });
    await source.ready;
    expect(source.state()).toMatchObject({ available: false, probe: 'checked' });
    expect(source.state().reason).toMatch(/No NVIDIA driver was found.*install the NVIDIA driver/);
  });
});
