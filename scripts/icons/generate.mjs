// Redraws every icon from the source drawings: `npm run icons`.
//   assets/icon.svg            → assets/generated/icon.png (512), icons/<n>x<n>.png, icon.ico, icon.icns
//   scripts/icons/tray-svg.mjs → assets/tray/<state>.png, <state>@2x.png, <state>Template(.png|@2x.png)
// Output is deterministic (same source → same bytes), so a test can check it is up to date.
import { Resvg } from '@resvg/resvg-js';
import pngToIco from 'png-to-ico';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIcns } from './icns.mjs';
import { TRAY_STATES, traySvg } from './tray-svg.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

export function renderPng(svg, size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } })
    .render()
    .asPng();
}

export async function generateIcons(outRoot = root) {
  const svg = await readFile(path.join(root, 'assets/icon.svg'), 'utf8');
  const generated = path.join(outRoot, 'assets/generated');
  const sizedDir = path.join(generated, 'icons');
  const trayDir = path.join(outRoot, 'assets/tray');
  await mkdir(sizedDir, { recursive: true });
  await mkdir(trayDir, { recursive: true });

  const bySize = new Map(APP_SIZES.map((s) => [s, renderPng(svg, s)]));
  const written = [];
  const put = async (file, data) => {
    await writeFile(file, data);
    written.push(path.relative(outRoot, file));
  };
  for (const [size, png] of bySize) await put(path.join(sizedDir, `${size}x${size}.png`), png);
  await put(path.join(generated, 'icon.png'), bySize.get(512));
  await put(path.join(generated, 'icon.ico'), await pngToIco(ICO_SIZES.map((s) => bySize.get(s))));
  await put(path.join(generated, 'icon.icns'), buildIcns(bySize));

  for (const state of TRAY_STATES) {
    for (const template of [false, true]) {
      const name = `${state}${template ? 'Template' : ''}`;
      const glyph = traySvg(state, { template });
      await put(path.join(trayDir, `${name}.png`), renderPng(glyph, 16));
      await put(path.join(trayDir, `${name}@2x.png`), renderPng(glyph, 32));
    }
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? path.resolve(process.argv[2]) : root;
  const files = await generateIcons(out);
  console.log(`wrote ${files.length} icon files under ${out}`);
}
