import type { LocateHost } from './nvidia-smi-locate.js';
import { locateNvidiaSmi } from './nvidia-smi-locate.js';
import {
  GPU_QUERY_FIELDS,
  GPU_QUERY_FIELDS_LEGACY,
  driverMajor,
  isInvalidFieldError,
  parseGpuCsv,
  queryArgs,
  type GpuReading,
} from './nvidia-smi-query.js';

export interface RunResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not be started at all (ENOENT, EACCES) or timed out. */
  error?: { code?: string; message: string };
}

/** Runs a program to completion; injected so tests replay recorded nvidia-smi output. */
export type RunFn = (file: string, args: string[], timeoutMs: number) => Promise<RunResult>;

export type GpuUnavailableCode =
  'unsupported_os' | 'no_nvidia_smi' | 'driver_not_loaded' | 'no_gpu' | 'probe_failed';

export type GpuProbe =
  | {
      available: true;
      nvidiaSmi: string;
      gpus: GpuReading[];
      driverVersion: string | null;
      driverMajor: number | null;
      /** True when this driver rejected `compute_cap` and we asked without it. */
      legacyFields: boolean;
    }
  | { available: false; code: GpuUnavailableCode; reason: string; fix?: string };

export interface GpuProbeOptions {
  host: LocateHost;
  run: RunFn;
  timeoutMs?: number;
}

export const MAC_REASON =
  'This Mac cannot serve inference: vLLM needs an NVIDIA GPU, and macOS has no NVIDIA driver. ' +
  'Everything else in the app works.';

/** Finds the NVIDIA GPUs of this machine, or says in plain words why it cannot serve inference. */
export async function probeGpus(opts: GpuProbeOptions): Promise<GpuProbe> {
  const { host, run } = opts;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  if (host.platform === 'darwin') {
    return {
      available: false,
      code: 'unsupported_os',
      reason: MAC_REASON,
      fix: 'To serve inference, run Resultity Node on a Windows or Linux PC with an NVIDIA GPU.',
    };
  }
  if (host.platform !== 'linux' && host.platform !== 'win32') {
    return {
      available: false,
      code: 'unsupported_os',
      reason: `Inference is supported on Windows and Linux only, not on ${host.platform}.`,
    };
  }
  const nvidiaSmi = await locateNvidiaSmi(host);
  if (!nvidiaSmi) return noDriver();

  let fields: readonly string[] = GPU_QUERY_FIELDS;
  let result = await run(nvidiaSmi, queryArgs(fields), timeoutMs);
  let legacyFields = false;
  if (isInvalidFieldError(result.stdout + result.stderr)) {
    fields = GPU_QUERY_FIELDS_LEGACY;
    legacyFields = true;
    result = await run(nvidiaSmi, queryArgs(fields), timeoutMs);
  }
  if (result.error?.code === 'ENOENT') return noDriver();
  const failure = classifyFailure(result);
  if (failure) return failure;

  const gpus = parseGpuCsv(result.stdout, fields);
  if (gpus.length === 0) return noGpu();
  const driverVersion = gpus.find((g) => g.driverVersion)?.driverVersion ?? null;
  return {
    available: true,
    nvidiaSmi,
    gpus,
    driverVersion,
    driverMajor: driverMajor(driverVersion),
    legacyFields,
  };
}

function noDriver(): GpuProbe {
  return {
    available: false,
    code: 'no_nvidia_smi',
    reason:
      'No NVIDIA driver was found (nvidia-smi is missing), so this machine cannot serve inference.',
    fix:
      'If this computer has an NVIDIA GPU, install the NVIDIA driver (580 or newer recommended) from ' +
      'https://www.nvidia.com/Download/index.aspx and restart. Without an NVIDIA GPU the node cannot serve inference.',
  };
}

function noGpu(): GpuProbe {
  return {
    available: false,
    code: 'no_gpu',
    reason:
      'The NVIDIA driver is installed but reports no GPU, so this machine cannot serve inference.',
    fix: 'Check that the GPU is seated and powered, and that it shows in nvidia-smi. On a laptop, make sure the NVIDIA GPU is not disabled in the BIOS or power settings.',
  };
}

function classifyFailure(result: RunResult): GpuProbe | null {
  const out = `${result.stdout}\n${result.stderr}\n${result.error?.message ?? ''}`;
  if (
    /couldn't communicate with the NVIDIA driver|driver not loaded|Driver\/library version mismatch/i.test(
      out,
    )
  ) {
    const mismatch = /version mismatch/i.test(out);
    return {
      available: false,
      code: 'driver_not_loaded',
      reason: mismatch
        ? 'The NVIDIA driver was updated but the old one is still loaded (driver/library version mismatch).'
        : 'The NVIDIA driver is installed but not running: nvidia-smi could not talk to it.',
      fix: mismatch
        ? 'Restart the computer to load the new driver.'
        : 'Restart the computer. If that does not help, reinstall the NVIDIA driver; on Linux with Secure Boot, enroll the driver key (MOK) or install the signed driver from your distribution.',
    };
  }
  if (/No devices were found/i.test(out)) return noGpu();
  if (result.exitCode === 0 && !result.error) return null;
  return {
    available: false,
    code: 'probe_failed',
    reason: `nvidia-smi failed (${result.error?.message ?? `exit code ${result.exitCode}`}): ${firstLine(out)}`,
    fix: 'Run nvidia-smi in a terminal to see the problem; reinstalling the NVIDIA driver and restarting usually fixes it.',
  };
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? 'no output'
  );
}
