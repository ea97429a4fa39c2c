import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  probeGpus,
  type RunFn,
  type RunResult,
} from '../../../src-main/core/runtime/gpu/gpu-probe.js';
import type { LocateHost } from '../../../src-main/core/runtime/gpu/nvidia-smi-locate.js';
import {
  GPU_QUERY_FIELDS,
  driverMajor,
  parseGpuCsv,
} from '../../../src-main/core/runtime/gpu/nvidia-smi-query.js';

const fixture = (name: string) =>
  readFileSync(path.resolve('tests/fixtures/nvidia-smi', name), 'utf8');

function linuxHost(files: string[] = ['/usr/bin/nvidia-smi']): LocateHost {
  return {
    platform: 'linux',
    env: { PATH: '/usr/local/bin:/usr/bin' },
    isFile: async (p) => files.includes(p),
    readdir: async () => [],
  };
}

/** Replays recorded outputs: each call takes the next answer and records the arguments. */
function replay(...answers: RunResult[]): RunFn & { calls: string[][] } {
  const calls: string[][] = [];
  const fn: RunFn = async (_file, args) => {
    calls.push(args);
    const next = answers.shift();
    if (!next) throw new Error('unexpected nvidia-smi call');
    return next;
  };
  return Object.assign(fn, { calls });
}

const ok = (stdout: string): RunResult => ({ exitCode: 0, stdout, stderr: '' });

describe('nvidia-smi CSV parsing on recorded outputs', () => {
  it('reads a 535 driver with one RTX 3090', () => {
    const [gpu] = parseGpuCsv(fixture('driver-535-rtx3090.csv'), GPU_QUERY_FIELDS);
    expect(gpu).toEqual({
      index: 0,
      uuid: 'GPU-6a1f2d7c-93b5-4e0f-8f52-1c7d9e3b0a41',
      name: 'NVIDIA GeForce RTX 3090',
      memoryTotalMb: 24576,
      memoryUsedMb: 1021,
      memoryFreeMb: 23242,
      utilizationPct: 0,
      temperatureC: 38,
      powerW: 21.37,
      powerLimitW: 350,
      driverVersion: '535.183.01',
      computeCap: '8.6',
    });
  });

  it('reads two GPUs in index order', () => {
    const gpus = parseGpuCsv(fixture('driver-550-two-gpus.csv'), GPU_QUERY_FIELDS);
    expect(gpus.map((g) => [g.index, g.memoryFreeMb, g.utilizationPct])).toEqual([
      [0, 48662, 0],
      [1, 12794, 97],
    ]);
  });

  it('turns [N/A] and [Not Supported] into null without dropping the GPU', () => {
    const [gpu] = parseGpuCsv(fixture('laptop-na-power.csv'), GPU_QUERY_FIELDS);
    expect(gpu?.name).toBe('NVIDIA GeForce RTX 3060 Laptop GPU');
    expect(gpu?.powerW).toBeNull();
    expect(gpu?.powerLimitW).toBeNull();
    expect(gpu?.utilizationPct).toBeNull();
    expect(gpu?.memoryTotalMb).toBe(6144);
  });

  it('handles Windows CRLF output and driver numbering', () => {
    const [gpu] = parseGpuCsv(fixture('windows-581-rtx4070.csv'), GPU_QUERY_FIELDS);
    expect(gpu?.computeCap).toBe('8.9');
    expect(driverMajor(gpu?.driverVersion)).toBe(581);
  });

  it('reads driver majors', () => {
    expect(driverMajor('575.57.08')).toBe(575);
    expect(driverMajor('[N/A]')).toBeNull();
    expect(driverMajor(null)).toBeNull();
  });
});

describe('probeGpus', () => {
  it('probes a 580 driver', async () => {
    const run = replay(ok(fixture('driver-580-rtx4090.csv')));
    const probe = await probeGpus({ host: linuxHost(), run });
    expect(probe).toMatchObject({ available: true, driverMajor: 580, legacyFields: false });
    expect(run.calls[0]).toContain('--format=csv,noheader,nounits');
    expect(run.calls[0]?.[0]).toContain('compute_cap');
  });

  it('asks again without compute_cap when an old driver rejects it', async () => {
    const run = replay(
      { exitCode: 2, stdout: fixture('driver-470-invalid-field.txt'), stderr: '' },
      ok(fixture('driver-470-legacy.csv')),
    );
    const probe = await probeGpus({ host: linuxHost(), run });
    expect(run.calls).toHaveLength(2);
    expect(run.calls[1]?.[0]).not.toContain('compute_cap');
    if (!probe.available) throw new Error(probe.reason);
    expect(probe.legacyFields).toBe(true);
    expect(probe.driverMajor).toBe(470);
    expect(probe.gpus[0]).toMatchObject({
      name: 'Tesla T4',
      computeCap: null,
      memoryTotalMb: 15109,
    });
  });

  it('says plainly that a Mac cannot serve inference, without running anything', async () => {
    const run = replay();
    const probe = await probeGpus({ host: { ...linuxHost(), platform: 'darwin' }, run });
    expect(probe).toMatchObject({ available: false, code: 'unsupported_os' });
    if (!probe.available) expect(probe.reason).toMatch(/Mac cannot serve inference/);
    expect(run.calls).toHaveLength(0);
  });

  it('reports a machine without the NVIDIA driver', async () => {
    const probe = await probeGpus({ host: linuxHost([]), run: replay() });
    expect(probe).toMatchObject({ available: false, code: 'no_nvidia_smi' });
    if (!probe.available) expect(probe.fix).toMatch(/install the NVIDIA driver/);
  });

  it('reports a driver that is installed but not loaded', async () => {
    const run = replay({ exitCode: 9, stdout: fixture('driver-not-loaded.txt'), stderr: '' });
    const probe = await probeGpus({ host: linuxHost(), run });
    expect(probe).toMatchObject({ available: false, code: 'driver_not_loaded' });
  });

  it('reports a driver that sees no GPU', async () => {
    const run = replay({ exitCode: 6, stdout: fixture('no-devices.txt'), stderr: '' });
    expect(await probeGpus({ host: linuxHost(), run })).toMatchObject({
      available: false,
      code: 'no_gpu',
    });
  });

  it('finds nvidia-smi in the Windows DriverStore when it is not on PATH', async () => {
    const store = 'C:\\Windows\\System32\\DriverStore\\FileRepository';
    const exe = `${store}\\nvlti.inf_amd64_9a1c2b3d4e5f6071\\nvidia-smi.exe`;
    const host: LocateHost = {
      platform: 'win32',
      env: { Path: 'C:\\Windows;C:\\Tools', SystemRoot: 'C:\\Windows' },
      isFile: async (p) => p === exe,
      readdir: async (p) =>
        p === store ? ['hdaudio.inf_x', 'nvlti.inf_amd64_9a1c2b3d4e5f6071'] : [],
    };
    const probe = await probeGpus({ host, run: replay(ok(fixture('windows-581-rtx4070.csv'))) });
    expect(probe).toMatchObject({ available: true, nvidiaSmi: exe, driverMajor: 581 });
  });

  it('prefers System32 on Windows', async () => {
    const exe = 'C:\\Windows\\System32\\nvidia-smi.exe';
    const host: LocateHost = {
      platform: 'win32',
      env: { SystemRoot: 'C:\\Windows' },
      isFile: async (p) => p === exe,
      readdir: async () => [],
    };
    const probe = await probeGpus({ host, run: replay(ok(fixture('driver-575-rtx5090.csv'))) });
    expect(probe).toMatchObject({ available: true, nvidiaSmi: exe });
  });
});
