import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatBytes,
  formatCount,
  formatDuration,
  formatEta,
  formatMebibytes,
  formatPercent,
  formatTokensPerSecond,
  formatUptime,
  shortId,
} from '../../../src-renderer/src/lib/format.js';

describe('formatters', () => {
  it('formats bytes with binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(15_231_233_024)).toBe('14.2 GiB');
    expect(formatBytes(200 * 1024 ** 3)).toBe('200 GiB');
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
    expect(formatMebibytes(24_564)).toBe('24.0 GiB');
  });

  it('formats ETAs, unknown while the rate is unknown', () => {
    expect(formatEta(null)).toBe('estimating…');
    expect(formatEta(44.2)).toBe('45 s left');
    expect(formatEta(312)).toBe('5 min left');
    expect(formatEta(3900)).toBe('1 h 5 min left');
    expect(formatEta(7200)).toBe('2 h left');
  });

  it('formats durations and uptime', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(252_000)).toBe('4 min 12 s');
    expect(formatDuration(7_500_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
    expect(formatDuration(null)).toBe('—');
    expect(formatUptime(42_900)).toBe('42 s');
    expect(formatUptime(252_000)).toBe('4 min 12 s');
  });

  it('formats throughput, counts and percentages', () => {
    expect(formatTokensPerSecond(4.25)).toBe('4.3 tok/s');
    expect(formatTokensPerSecond(1234.4)).toBe('1,234 tok/s');
    expect(formatTokensPerSecond(0)).toBe('0 tok/s');
    expect(formatTokensPerSecond(null)).toBe('—');
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatPercent(89.6)).toBe('90%');
  });

  it('formats relative times and short ids', () => {
    expect(formatAgo(10_000, 12_000)).toBe('just now');
    expect(formatAgo(0, 30_000)).toBe('30 s ago');
    expect(formatAgo(0, 5 * 60_000)).toBe('5 min ago');
    expect(formatAgo(0, 3 * 3_600_000)).toBe('3 h ago');
    expect(shortId('0x8f3a51c2b7e94d06a1f2', 4)).toBe('0x8f…a1f2');
    expect(shortId('short')).toBe('short');
  });
});
