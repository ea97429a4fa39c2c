import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src-main/core/clock.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import {
  computeAppsArgs,
  parseComputeApps,
} from '../../../src-main/core/runtime/gpu/compute-apps.js';
import { probeGpus } from '../../../src-main/core/runtime/gpu/gpu-probe.js';
import { GpuSampler, type GpuSample } from '../../../src-main/core/runtime/gpu/gpu-sampler.js';
import {
  nodeLocateHost,
  nodeRun,
  nodeSpawn,
} from '../../../src-main/core/runtime/gpu/node-host.js';
import {
  GPU_QUERY_FIELDS,
  queryArgs,
} from '../../../src-main/core/runtime/gpu/nvidia-smi-query.js';
import { FAKE_NVIDIA_SMI_DIR, FakeNvidiaSmi } from '../../helpers/fake-nvidia-smi.js';
import { recording } from '../../helpers/recorded-gpus.js';

const exe = `${FAKE_NVIDIA_SMI_DIR}nvidia-smi`;
let fake: FakeNvidiaSmi | null = null;
afterEach(() => fake?.dispose());

/** Runs the fake with the scenario's environment, as the node's execFile does. */
async function ask(f: FakeNvidiaSmi, args: string[]) {
  const env = f.env();
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await nodeRun(exe, args, 10_000);
  } finally {
    process.env = saved;
  }
}

describe('the fake nvidia-smi (tests/fixtures/fake-nvidia-smi)', () => {
  it.each(['driver-580-rtx4090.csv', 'driver-550-two-gpus.csv', 'driver-575-rtx5090.csv'])(
    'answers the probe query byte for byte like the recording %s',
    async (name) => {
      fake = new FakeNvidiaSmi(name);
      const r = await ask(fake, queryArgs(GPU_QUERY_FIELDS));
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(recording(name).replace(/\n?$/, '\n'));
    },
  );

  it('is found on PATH by the probe, streams -lms samples that follow the scenario, lists compute apps', async () => {
    fake = new FakeNvidiaSmi();
    const env = fake.env();
    const probe = await probeGpus({
      host: { ...nodeLocateHost(), env },
      run: async (f, a, t) => {
        const saved = process.env;
        process.env = env;
        try {
          return await nodeRun(f, a, t);
        } finally {
          process.env = saved;
        }
      },
    });
    expect(probe).toMatchObject({ available: true, nvidiaSmi: exe, gpus: [{ temperatureC: 46 }] });

    const saved = process.env;
    process.env = env; // the sampler's child inherits it
    const sampler = new GpuSampler({
      nvidiaSmi: exe,
      spawn: nodeSpawn,
      clock: systemClock,
      logger: silentLogger,
      intervalMs: 100,
    });
    const seen: GpuSample[] = [];
    sampler.onSample((s) => seen.push(s));
    try {
      sampler.start();
      await expect.poll(() => seen.length, { timeout: 5000 }).toBeGreaterThan(0);
      fake.setGpus({ temperatureC: 91, powerW: 431.5 });
      await expect.poll(() => seen.at(-1)?.temperatureC, { timeout: 5000 }).toBe(91);
      expect(seen.at(-1)?.powerW).toBe(431.5);
    } finally {
      sampler.stop();
      process.env = saved;
    }

    expect(parseComputeApps((await ask(fake, computeAppsArgs())).stdout)).toEqual([]);
    fake.setComputeApps([{ pid: 7001, processName: '/opt/blender/blender', usedMemoryMb: 3120 }]);
    const apps = parseComputeApps((await ask(fake, computeAppsArgs())).stdout);
    expect(apps).toEqual([
      {
        pid: 7001,
        processName: '/opt/blender/blender',
        usedMemoryMb: 3120,
        gpuUuid: probe.available ? probe.gpus[0]?.uuid : '',
      },
    ]);
  });

  it('refuses a query form it does not know, like the real one', async () => {
    fake = new FakeNvidiaSmi();
    const r = await ask(fake, ['--query-gpu=index', '--format=csv']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/Invalid combination of input arguments/);
  });
});
