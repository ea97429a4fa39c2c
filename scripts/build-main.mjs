// Bundles the Node-side entry points with esbuild. node_modules stay external: the headless
// node runs from a checkout, and electron-builder packs production dependencies itself.
import { build } from 'esbuild';

const target = process.argv[2];
const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  // docker-clients.ts reads import.meta.url where it exists and uses `require` in CommonJS.
  logOverride: { 'empty-import-meta': 'silent' },
};

const jobs = {
  headless: () =>
    build({
      ...common,
      entryPoints: { cli: 'src-main/headless/cli.ts' },
      outdir: 'dist/headless',
      format: 'esm',
      outExtension: { '.js': '.mjs' },
    }),
  desktop: () =>
    Promise.all([
      build({
        ...common,
        entryPoints: { main: 'src-main/desktop/main.ts' },
        outdir: 'dist/main',
        format: 'cjs',
        outExtension: { '.js': '.cjs' },
        external: ['electron'],
      }),
      // Sandboxed preloads must be a single CommonJS file with only 'electron' external.
      build({
        ...common,
        packages: undefined,
        entryPoints: { preload: 'src-main/desktop/preload.ts' },
        outdir: 'dist/main',
        format: 'cjs',
        outExtension: { '.js': '.cjs' },
        external: ['electron'],
        platform: 'browser',
      }),
    ]),
};

if (!jobs[target]) {
  console.error(`usage: node scripts/build-main.mjs ${Object.keys(jobs).join('|')}`);
  process.exit(2);
}
await jobs[target]();
