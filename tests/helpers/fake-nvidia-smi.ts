import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GpuReading } from '../../src-main/core/runtime/gpu/nvidia-smi-query.js';
import { recordedGpus } from './recorded-gpus.js';

/** The folder holding the fake `nvidia-smi` (tests/fixtures/fake-nvidia-smi/nvidia-smi). */
export const FAKE_NVIDIA_SMI_DIR = fileURLToPath(
  new URL('../fixtures/fake-nvidia-smi/', import.meta.url),
);

export interface FakeComputeApp {
  pid: number;
  processName: string;
  usedMemoryMb: number | null;
  gpuUuid?: string;
}

export interface FakeGpuScenario {
  gpus: GpuReading[];
  computeApps: FakeComputeApp[];
  driverNotLoaded?: boolean;
}

/**
 * A machine whose nvidia-smi is the fake one, answering from a scenario the test rewrites
 * (atomically: a loop turn never reads half a file). Starts from a recorded GPU.
 */
export class FakeNvidiaSmi {
  readonly dir = mkdtempSync(join(tmpdir(), 'fake-nvidia-smi-'));
  readonly file = join(this.dir, 'scenario.json');
  private current: FakeGpuScenario;

  constructor(recording = 'driver-580-rtx4090.csv') {
    this.current = { gpus: recordedGpus(recording), computeApps: [] };
    this.write();
  }

  /** Environment for a process that should see the fake: PATH first, the scenario file. */
  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return {
      ...base,
      PATH: `${FAKE_NVIDIA_SMI_DIR}${delimiter}${base.PATH ?? ''}`,
      FAKE_NVIDIA_SMI_SCENARIO: this.file,
    };
  }

  scenario(): FakeGpuScenario {
    return structuredClone(this.current);
  }

  /** Changes every GPU's reading (temperature, power, …). */
  setGpus(change: Partial<GpuReading>): void {
    this.current.gpus = this.current.gpus.map((g) => ({ ...g, ...change }));
    this.write();
  }

  setComputeApps(apps: FakeComputeApp[]): void {
    this.current.computeApps = apps;
    this.write();
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private write(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.current));
    renameSync(tmp, this.file);
  }
}
