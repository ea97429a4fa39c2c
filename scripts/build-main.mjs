// Bundles the Node-side entry points with esbuild (options in build-options.mjs).
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';
import { common, headlessOptions } from './build-options.mjs';

const target = process.argv[2];

const jobs = {
  headless: async () => {
    // Chunk names carry a hash: drop the previous build's so stale chunks do not pile up.
    await rm('dist/headless', { recursive: true, force: true });
    await build(headlessOptions());
  },
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
