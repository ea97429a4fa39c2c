// The esbuild options of the Node-side bundles, shared by build-main.mjs and the tests that
// check what a bundle loads. node_modules stay external: the headless node runs from a
// checkout, and electron-builder packs production dependencies itself.
export const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  // docker-clients.ts reads import.meta.url where it exists and uses `require` in CommonJS.
  logOverride: { 'empty-import-meta': 'silent' },
};

/**
 * The headless CLI as ESM with code splitting: what it loads with `import()` (the in-process
 * devnet of `--profile local`) becomes a chunk of its own that a testnet or mainnet node never
 * reads or evaluates.
 */
export function headlessOptions(outdir = 'dist/headless') {
  return {
    ...common,
    entryPoints: { cli: 'src-main/headless/cli.ts' },
    outdir,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
  };
}
