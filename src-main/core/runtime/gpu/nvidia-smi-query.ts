/** The fields we ask nvidia-smi for, in column order. */
export const GPU_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'memory.total',
  'memory.used',
  'memory.free',
  'utilization.gpu',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'driver_version',
  'compute_cap',
] as const;

/** Drivers older than R510 reject `compute_cap`; we ask again without it. */
export const GPU_QUERY_FIELDS_LEGACY = GPU_QUERY_FIELDS.filter((f) => f !== 'compute_cap');

export type GpuQueryField = (typeof GPU_QUERY_FIELDS)[number];

/** One line of `nvidia-smi --query-gpu`: one GPU at one moment. Null where nvidia-smi has no value. */
export interface GpuReading {
  index: number;
  uuid: string;
  name: string;
  memoryTotalMb: number | null;
  memoryUsedMb: number | null;
  memoryFreeMb: number | null;
  utilizationPct: number | null;
  temperatureC: number | null;
  powerW: number | null;
  powerLimitW: number | null;
  driverVersion: string | null;
  computeCap: string | null;
}

export function queryArgs(fields: readonly string[]): string[] {
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

/** nvidia-smi's answer when a field is unknown to this driver. */
export function isInvalidFieldError(output: string): boolean {
  return /is not a valid field to query/i.test(output);
}

/** `[N/A]`, `[Not Supported]`, `[Unknown Error]`, `[GPU requires reset]` and friends. */
function text(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const v = raw.trim();
  if (v === '' || v.startsWith('[') || v === 'N/A') return null;
  return v;
}

function num(raw: string | undefined): number | null {
  const v = text(raw);
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Parses one CSV line (noheader, nounits) for the given field order. Returns null for lines that
 * are not GPU rows (blank lines, error text, a truncated line from a dying process).
 */
export function parseGpuLine(line: string, fields: readonly string[]): GpuReading | null {
  const cols = line.split(',');
  if (cols.length !== fields.length) return null;
  const at = (f: GpuQueryField) => {
    const i = fields.indexOf(f);
    return i < 0 ? undefined : cols[i];
  };
  const index = num(at('index'));
  if (index === null || !Number.isInteger(index) || index < 0) return null;
  return {
    index,
    uuid: text(at('uuid')) ?? '',
    name: text(at('name')) ?? 'Unknown NVIDIA GPU',
    memoryTotalMb: num(at('memory.total')),
    memoryUsedMb: num(at('memory.used')),
    memoryFreeMb: num(at('memory.free')),
    utilizationPct: num(at('utilization.gpu')),
    temperatureC: num(at('temperature.gpu')),
    powerW: num(at('power.draw')),
    powerLimitW: num(at('power.limit')),
    driverVersion: text(at('driver_version')),
    computeCap: text(at('compute_cap')),
  };
}

export function parseGpuCsv(output: string, fields: readonly string[]): GpuReading[] {
  const rows: GpuReading[] = [];
  for (const line of output.split(/\r?\n/)) {
    const row = parseGpuLine(line, fields);
    if (row) rows.push(row);
  }
  return rows;
}

/** "550.54.14" → 550, "581.57" (Windows) → 581. */
export function driverMajor(version: string | null | undefined): number | null {
  const m = version ? /^(\d+)/.exec(version.trim()) : null;
  return m?.[1] ? Number(m[1]) : null;
}
