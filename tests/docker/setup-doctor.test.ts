import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeDiscoveryHost } from '../../src-main/core/runtime/docker/discovery-host.js';
import { GPU_QUERY_FIELDS, parseGpuCsv } from '../../src-main/core/runtime/gpu/nvidia-smi-query.js';
import { runSetupChecks } from '../../src-main/core/setup/doctor.js';
import { dockerAvailability } from '../helpers/env.js';

const docker = await dockerAvailability();

describe.skipIf(!docker.available)('setup doctor against the real engine', () => {
  it('finds Docker, reads its data folder and disk, and does not guess about the GPU', async () => {
    const gpus = parseGpuCsv(
      readFileSync(path.resolve('tests/fixtures/nvidia-smi/driver-580-rtx4090.csv'), 'utf8'),
      GPU_QUERY_FIELDS,
    );
    const t0 = performance.now();
    const checks = await runSetupChecks({
      host: nodeDiscoveryHost(),
      // No GPU on this machine: a recorded 580 driver stands in for nvidia-smi.
      probeGpu: async () => ({
        available: true,
        nvidiaSmi: 'nvidia-smi',
        gpus,
        driverVersion: '580.82.07',
        driverMajor: 580,
        legacyFields: false,
      }),
      runtimeImages: [{ repository: 'resultity-test/absent', digest: `sha256:${'1'.repeat(64)}` }],
      dataDir: path.join(os.tmpdir(), 'rn-doctor-not-created-yet', 'local'),
      modelBytes: 1024 ** 2,
      modelMinVramMb: 4000,
      headroomMb: 1024,
    });
    console.log(
      `[setup-doctor] ${Math.round(performance.now() - t0)} ms: ${checks.map((c) => `${c.id}=${c.state}`).join(' ')}`,
    );
    const c = Object.fromEntries(checks.map((x) => [x.id, x]));
    expect(c.docker).toMatchObject({ state: 'pass' });
    expect(c.docker!.detail).toMatch(/answers on/);
    expect(c.gpu_in_container).toMatchObject({ state: 'unknown' });
    expect(['pass', 'fail']).toContain(c.container_toolkit!.state);
    expect(c.disk!.detail).toMatch(/free on .* for the models/);
    expect(c.disk!.detail).toMatch(/for the runtime image/);
  });
});
