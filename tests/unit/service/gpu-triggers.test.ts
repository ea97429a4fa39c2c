import { describe, expect, it } from 'vitest';
import { DisposableStore } from '../../../src-main/core/base/lifecycle.js';
import { systemClock } from '../../../src-main/core/clock.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import { PauseController } from '../../../src-main/core/pause/pause-controller.js';
import { GpuTriggers } from '../../../src-main/service/gpu-triggers.js';
import { noGpuSource } from '../../helpers/no-gpu.js';
import { recordedGpuSource } from '../../helpers/recorded-gpus.js';

const on = {
  otherGpuWork: true,
  thermal: { enabled: true, maxTempC: 83 },
  power: { enabled: true, capW: 200 },
};

function triggersOn(gpu: ReturnType<typeof noGpuSource>) {
  const said = new Map<string, string | null>();
  const store = new DisposableStore();
  const t = new GpuTriggers(
    {
      clock: systemClock,
      logger: silentLogger,
      pauses: new PauseController(systemClock),
      gpu,
      host: { platform: 'linux', env: {}, isFile: async () => false, readdir: async () => [] },
      run: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
      ownPids: async () => new Set(),
      resuming: () => false,
      availability: (source, why) => said.set(source, why),
    },
    store,
  );
  return { t, said, close: () => (t.dispose(), store.dispose(), gpu.stop()) };
}

describe('GpuTriggers: which GPU triggers can work here (Settings says why not)', () => {
  it('without a GPU none can, and the reason says so', async () => {
    const gpu = noGpuSource();
    const { t, said, close } = triggersOn(gpu);
    t.apply(on);
    await gpu.ready;
    await Promise.resolve();
    expect(said.get('foreign-gpu-process')).toMatch(/no NVIDIA GPU answers here/);
    expect(said.get('thermal')).toMatch(/no NVIDIA GPU answers here/);
    expect(said.get('power')).toMatch(/no NVIDIA GPU answers here/);
    close();
  });

  it('with a GPU all can; an operator-run runtime rules out the other-programs trigger; a GPU without power readings rules out the cap', async () => {
    const gpu = recordedGpuSource('driver-580-rtx4090.csv');
    const { t, said, close } = triggersOn(gpu);
    t.apply(on);
    await gpu.ready;
    await Promise.resolve();
    expect([...said.values()]).toEqual([null, null, null]);
    t.runtimeIsExternal(true);
    await Promise.resolve();
    expect(said.get('foreign-gpu-process')).toMatch(/runtime is one you run yourself/);
    close();

    const laptop = recordedGpuSource('laptop-na-power.csv');
    const l = triggersOn(laptop);
    l.t.apply(on);
    await laptop.ready;
    await Promise.resolve();
    expect(l.said.get('power')).toBe('this GPU does not report its power draw.');
    expect(l.said.get('thermal')).toBeNull();
    l.close();
  });
});
