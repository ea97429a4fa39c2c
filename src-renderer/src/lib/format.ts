// Number, size and time formatting for the dashboard. Fixed locale so tests and screenshots agree.
const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 1536 → "1.5 KiB". One decimal below 100 of a unit, none above. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** nvidia-smi reports MiB. */
export function formatMebibytes(mb: number | null | undefined): string {
  if (mb === null || mb === undefined) return '—';
  return formatBytes(mb * 1024 * 1024);
}

/** Seconds left → "45 s", "12 min", "1 h 5 min"; null while the rate is unknown. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return 'estimating…';
  }
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s left`;
  if (s < 3600) return `${Math.round(s / 60)} min left`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m > 0 ? `${h} h ${m} min left` : `${h} h left`;
}

/** Milliseconds → "850 ms", "12.3 s", "4 min 12 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const totalSeconds = ms / 1000;
  if (totalSeconds < 60) return `${totalSeconds.toFixed(1)} s`;
  const s = Math.floor(totalSeconds);
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return `${minutes} min ${seconds} s`;
}

/** Uptime reads better without fractions: "42 s", "4 min 12 s", "2 h 5 min". */
export function formatUptime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s`;
  return formatDuration(ms);
}

export function formatTokensPerSecond(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate) || rate < 0) return '—';
  if (rate > 0 && rate < 10) return `${rate.toFixed(1)} tok/s`;
  return `${grouping.format(rate)} tok/s`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return grouping.format(n);
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${Math.round(value)}%`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time "14:03:27". */
export function formatClock(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Log timestamp "14:03:27.042". */
export function formatLogTime(ts: number): string {
  return `${formatClock(ts)}.${pad(new Date(ts).getMilliseconds(), 3)}`;
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", then a date. */
export function formatAgo(ts: number, now: number): string {
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ts).toISOString().slice(0, 10);
}

/** "0x1234…abcd" for long identifiers in tight places; the full value stays copyable. */
export function shortId(id: string, keep = 6): string {
  if (id.length <= keep * 2 + 1) return id;
  return `${id.slice(0, keep)}…${id.slice(-keep)}`;
}

/**
 * IDs people read and compare (job IDs): whole when they fit, else the start (which usually
 * names the kind, e.g. "test-") and the end (which tells neighbours apart), cut in the middle.
 */
export function readableId(id: string, max = 24): string {
  if (id.length <= max) return id;
  const tail = Math.max(4, Math.floor((max - 1) / 3));
  return `${id.slice(0, max - 1 - tail)}…${id.slice(-tail)}`;
}
