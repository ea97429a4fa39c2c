import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

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
    packages: undefined,
    plugins: [inlineEsmPackages, asciiOutput],
    entryPoints: { cli: 'src-main/headless/launch.ts' },
    outdir,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
  };
}

/**
 * Pure-ESM packages the headless node bundles into its own files instead of loading them from
 * node_modules: one module instead of hundreds saves ~20 MB of resident memory (ethers alone is
 * ~300 files). CommonJS packages (ws, prom-client), tiny-secp256k1 (reads its .wasm beside
 * itself) and dockerode (required lazily) stay external.
 */
export const INLINED_PACKAGES = [
  'ethers',
  '@noble/curves',
  '@noble/hashes',
  '@adraffy/ens-normalize',
  'aes-js',
  'zod',
  'canonicalize',
  'hash-wasm',
];

const inlineEsmPackages = {
  name: 'inline-esm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
      const name = args.path.startsWith('@')
        ? args.path.split('/').slice(0, 2).join('/')
        : args.path.split('/')[0];
      return INLINED_PACKAGES.includes(name) ? undefined : { external: true };
    });
  },
};

/**
 * Escapes what esbuild leaves non-ASCII in the headless bundle (comments, regular expression
 * literals: its strings are escaped already) as \\uXXXX. V8 holds a module's source in memory
 * for as long as it runs, and one non-ASCII character makes it hold the whole file as UTF-16:
 * the three large chunks took 3.3 MB of heap instead of 1.7 MB.
 */
const asciiOutput = {
  name: 'ascii-output',
  setup(b) {
    b.onEnd(async (result) => {
      if (result.errors.length > 0 || b.initialOptions.write === false) return;
      const root = path.resolve(b.initialOptions.absWorkingDir ?? process.cwd());
      const outdir = path.resolve(root, b.initialOptions.outdir);
      for (const name of await readdir(outdir, { recursive: true })) {
        if (!name.endsWith('.mjs')) continue;
        const file = path.join(outdir, name);
        const text = await readFile(file, 'utf8');
        const ascii = text.replace(
          /[\u0080-\uffff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
        if (ascii !== text) await writeFile(file, ascii);
      }
    });
  },
};
