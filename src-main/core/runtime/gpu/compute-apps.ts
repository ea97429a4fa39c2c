/** The fields of `nvidia-smi --query-compute-apps`, in column order. */
export const COMPUTE_APP_FIELDS = ['pid', 'process_name', 'used_memory', 'gpu_uuid'] as const;

/** One process with a compute context on a GPU (a CUDA program, vLLM, a game's compute work). */
export interface ComputeApp {
  pid: number;
  /** As nvidia-smi prints it: a full path on Linux, often `[Not Found]` inside WSL. */
  processName: string;
  usedMemoryMb: number | null;
  gpuUuid: string;
}

export function computeAppsArgs(): string[] {
  return [`--query-compute-apps=${COMPUTE_APP_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
}

/**
 * Parses the answer. No process prints nothing (older drivers: a "No running processes found"
 * line); lines that are not process rows are skipped. Process names may contain commas, so the
 * name is everything between the first and the last two columns.
 */
export function parseComputeApps(output: string): ComputeApp[] {
  const apps: ComputeApp[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const cols = raw.split(',');
    if (cols.length < COMPUTE_APP_FIELDS.length) continue;
    const pid = Number(cols[0]?.trim());
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const gpuUuid = cols[cols.length - 1]?.trim() ?? '';
    const memory = Number(cols[cols.length - 2]?.trim());
    apps.push({
      pid,
      processName: cols.slice(1, -2).join(',').trim(),
      usedMemoryMb: Number.isFinite(memory) ? memory : null,
      gpuUuid,
    });
  }
  return apps;
}

/** "/usr/bin/blender" → "blender", "C:\Games\x.exe" → "x.exe"; unknown names → "another program". */
export function programName(processName: string): string {
  const base = processName.split(/[\\/]/).pop()?.trim() ?? '';
  return base === '' || base.startsWith('[') ? 'another program' : base;
}
