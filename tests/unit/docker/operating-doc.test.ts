import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as P from '../../../src-main/core/runtime/docker/engine-problems.js';
import { classifyGpuError } from '../../../src-main/core/runtime/docker/gpu-errors.js';
import {
  digestMismatch,
  diskTooSmall,
  pullError,
} from '../../../src-main/core/runtime/docker/pull-errors.js';
import { MAC_REASON, probeGpus } from '../../../src-main/core/runtime/gpu/gpu-probe.js';

const doc = readFileSync(path.resolve('docs/OPERATING.md'), 'utf8');
const fixture = (n: string) =>
  readFileSync(path.resolve('tests/fixtures/docker-errors', n), 'utf8');
const section = doc.slice(doc.indexOf('## Running inference (Docker + NVIDIA)'));

/** docs/OPERATING.md must quote the operator-facing texts exactly as the code says them. */
describe('OPERATING.md troubleshooting is in step with the code', () => {
  it('has the section', () => {
    expect(section.length).toBeGreaterThan(1000);
  });

  it('quotes every Docker engine problem and fix', () => {
    const problems = [
      P.notInstalled('linux'),
      P.notInstalled('win32'),
      P.dockerDesktopNotRunning(),
      P.permissionDenied('X'),
      P.podmanInstead('X', null),
      P.unreachable('X', 'Y'),
      P.wslIntegrationOff('D'),
      P.notRunning('X', 'Docker', 'linux'),
    ];
    for (const p of problems) {
      const fix = p.fix.replace("'D'", "'`<distro>`'");
      expect(section, p.code).toContain(fix);
    }
    expect(section).toContain(P.notInstalled('linux').detail);
    expect(section).toContain(P.dockerDesktopNotRunning().detail);
  });

  it('quotes every GPU access problem and fix', () => {
    const cases: Array<[string, number | null]> = [
      ['start-no-nvidia-driver.txt', 580],
      ['start-cuda13-on-driver-575.txt', 575],
      ['start-cuda13-on-driver-575.txt', 550],
      ['start-driver-not-loaded.txt', null],
      ['start-wsl-no-adapters.txt', null],
      ['nvidia-smi-nvml-unknown.txt', null],
      ['vllm-oom-at-start.txt', null],
    ];
    for (const [file, driver] of cases) {
      const p = classifyGpuError(fixture(file), driver)!;
      expect(section, file).toContain(p.fix);
    }
    expect(section).toContain(MAC_REASON);
  });

  it('quotes the nvidia-smi probe reasons and fixes', async () => {
    const host = {
      platform: 'linux' as const,
      env: {},
      isFile: async () => false,
      readdir: async () => [],
    };
    const none = await probeGpus({
      host,
      run: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
    });
    if (none.available) throw new Error('unexpected');
    expect(section).toContain(none.reason);
    expect(section).toContain(none.fix!);
  });

  it('quotes every image download fix', () => {
    const errors = JSON.parse(fixture('pull-errors.json')) as Record<
      string,
      { statusCode?: number; message?: string; error?: string }
    >;
    for (const [key, e] of Object.entries(errors)) {
      const err = e.statusCode
        ? Object.assign(new Error(e.message), { statusCode: e.statusCode })
        : new Error(e.error);
      expect(section, key).toContain(pullError('img', err).fix);
    }
    expect(section).toContain(digestMismatch('img', []).fix);
    expect(section).toContain(diskTooSmall(1, 2, 'x').fix);
  });
});
