import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { areaPath, chartPath, niceMax } from '../../../src-renderer/src/components/chart-path.js';

describe('chart paths', () => {
  const frame = { end: 100, windowMs: 100, min: 0, max: 10, width: 100, height: 10 };

  it('places points by time and value, clamped to the axis', () => {
    expect(
      chartPath(
        [
          { ts: 0, value: 0 },
          { ts: 50, value: 5 },
          { ts: 100, value: 20 },
        ],
        frame,
      ),
    ).toBe('M0.0 10.0L50.0 5.0L100.0 0.0');
  });

  it('breaks the line where a reading is missing instead of drawing a zero', () => {
    const d = chartPath(
      [
        { ts: 0, value: 1 },
        { ts: 10, value: null },
        { ts: 20, value: 1 },
        { ts: 30, value: 1 },
      ],
      frame,
    );
    expect(d).toBe('M0.0 9.0M20.0 9.0L30.0 9.0');
    expect(
      areaPath(
        [
          { ts: 20, value: 1 },
          { ts: 30, value: 1 },
        ],
        frame,
      ),
    ).toBe('M20.0 10L20.0 9.0L30.0 9.0L30.0 10Z');
  });

  it('rounds an automatic axis up to a readable number', () => {
    expect(niceMax([0, 379])).toBe(400);
    expect(niceMax([null, 0.2])).toBe(1);
    expect(niceMax([1234])).toBe(1500);
  });
});

// WCAG 2 contrast of the theme's text colours on its backgrounds, both themes.
function luminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * ch[0]! + 0.7152 * ch[1]! + 0.0722 * ch[2]!;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('theme contrast', () => {
  const css = readFileSync(
    path.resolve(import.meta.dirname, '../../../src-renderer/src/styles/tokens.css'),
    'utf8',
  );
  const tokens = new Map<string, [string, string]>();
  for (const m of css.matchAll(/--([\w-]+):\s*light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)/gi))
    tokens.set(m[1]!, [m[2]!, m[3]!]);
  const pair = (name: string) => {
    const t = tokens.get(name);
    if (!t) throw new Error(`token --${name} not found as a light-dark() pair`);
    return t;
  };

  it.each(['text', 'text-muted', 'accent', 'ok', 'warn', 'bad', 'busy'])(
    '--%s reaches 4.5:1 on every background',
    (name) => {
      for (const theme of [0, 1] as const) {
        for (const bg of ['bg', 'surface', 'surface-2']) {
          expect(
            contrast(pair(name)[theme], pair(bg)[theme]),
            `${name} on ${bg}, ${theme ? 'dark' : 'light'}`,
          ).toBeGreaterThanOrEqual(4.5);
        }
      }
    },
  );

  it.each([
    ['ok', 'ok-soft'],
    ['warn', 'warn-soft'],
    ['bad', 'bad-soft'],
    ['busy', 'busy-soft'],
    ['accent', 'accent-soft'],
  ])('badge text --%s reaches 4.5:1 on --%s', (fg, bg) => {
    for (const theme of [0, 1] as const)
      expect(contrast(pair(fg)[theme], pair(bg)[theme])).toBeGreaterThanOrEqual(4.5);
  });

  it('white button text reaches 4.5:1 on the accent and danger buttons', () => {
    for (const theme of [0, 1] as const) {
      for (const bg of ['accent-bg', 'accent-bg-hover', 'bad-bg', 'bad-bg-hover']) {
        expect(contrast('#ffffff', pair(bg)[theme]), `${bg} ${theme}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});
