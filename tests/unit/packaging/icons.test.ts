import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM build script without type declarations
import { generateIcons } from '../../../scripts/icons/generate.mjs';
// @ts-expect-error plain ESM build script without type declarations
import { parseIcns } from '../../../scripts/icons/icns.mjs';
// @ts-expect-error plain ESM build script without type declarations
import { TRAY_STATES } from '../../../scripts/icons/tray-svg.mjs';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const out = await mkdtemp(path.join(os.tmpdir(), 'rn-icons-'));

afterAll(() => rm(out, { recursive: true, force: true }));

function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('generated icons', () => {
  it('are up to date with the source drawings (run `npm run icons` after editing them)', async () => {
    const files: string[] = await generateIcons(out);
    expect(files.length).toBe(36);
    for (const file of files) {
      const fresh = await readFile(path.join(out, file));
      const committed = await readFile(path.resolve(file));
      expect(committed.equals(fresh), `${file} differs from a fresh render`).toBe(true);
    }
  });

  it('cover every size the platforms need', async () => {
    for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(await readFile(`assets/generated/icons/${size}x${size}.png`))).toEqual([
        size,
        size,
      ]);
    }
    const ico = await readFile('assets/generated/icon.ico');
    expect(ico.readUInt16LE(2)).toBe(1); // type 1 = icon
    expect(ico.readUInt16LE(4)).toBe(7); // 16, 24, 32, 48, 64, 128, 256
    const icns = parseIcns(await readFile('assets/generated/icon.icns'));
    expect(icns.map((e: { type: string }) => e.type)).toContain('ic10');
    for (const entry of icns) expect(pngSize(entry.data)[0]).toBeGreaterThanOrEqual(16);
  });

  it('have a tray icon per node state, with @2x and macOS Template variants', async () => {
    for (const state of TRAY_STATES as string[]) {
      for (const name of [state, `${state}Template`]) {
        expect(pngSize(await readFile(`assets/tray/${name}.png`))).toEqual([16, 16]);
        expect(pngSize(await readFile(`assets/tray/${name}@2x.png`))).toEqual([32, 32]);
      }
    }
  });
});
