import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { headlessOptions } from '../../scripts/build-options.mjs';

const run = promisify(execFile);

/** The repository root (this file is deploy/release/headless-payload.ts). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * The Node runtime a release ships: the `node` devDependency's binary, the version package.json
 * pins in engines, so a rig needs no system Node.
 */
export const NODE_RUNTIME = path.join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');

export interface PayloadOptions {
  /** Folder to create; it receives `dist/headless`, `dist/renderer` and `node_modules`. */
  appDir: string;
  /** The built dashboard (default: dist/renderer of the checkout). */
  rendererDir?: string;
}

export interface Payload {
  appDir: string;
  /** `<appDir>/dist/headless/cli.mjs`. */
  entry: string;
  /** The npm packages copied, e.g. ['dockerode', 'ethers', …]. */
  packages: string[];
}

/**
 * Everything the headless node needs besides Node itself, runnable from any folder: the CLI
 * bundled as `npm run build:headless` bundles it (code-split, packages external), the built
 * dashboard, and only the npm packages that bundle reaches (found by bundling once more with
 * packages inlined and reading esbuild's list of inputs), copied whole.
 */
export async function writeHeadlessPayload(o: PayloadOptions): Promise<Payload> {
  const rendererDir = o.rendererDir ?? path.join(REPO_ROOT, 'dist', 'renderer');
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(
      `The dashboard is not built (${rendererDir}/index.html is missing). Run "npm run build:renderer" first.`,
    );
  }
  await rm(o.appDir, { recursive: true, force: true });
  const outdir = path.join(o.appDir, 'dist', 'headless');
  await build({ ...headlessOptions(outdir), sourcemap: false, absWorkingDir: REPO_ROOT });
  await cp(rendererDir, path.join(o.appDir, 'dist', 'renderer'), { recursive: true });

  const packages = [
    ...new Set([...(await reachedPackages()), ...(await lockClosure(LAZY_PACKAGES))]),
  ].sort();
  for (const pkg of packages) {
    await cp(path.join(REPO_ROOT, 'node_modules', pkg), path.join(o.appDir, 'node_modules', pkg), {
      recursive: true,
      // Source maps, type declarations and docs are not run; compiled addons are never loaded
      // (docker-clients.ts refuses them) and are not shipped.
      filter: (src) => !/\.(map|d\.ts|md|node)$/.test(src),
    });
  }
  const version = await productVersion();
  await writeFile(
    path.join(o.appDir, 'package.json'),
    `${JSON.stringify({ name: 'resultity-node-headless', version, private: true, type: 'module' }, null, 2)}\n`,
  );
  return { appDir: o.appDir, entry: path.join(outdir, 'cli.mjs'), packages };
}

/** Loaded with `require` at run time (docker-clients.ts), so invisible to esbuild's inputs. */
const LAZY_PACKAGES = ['dockerode'];

interface LockEntry {
  dependencies?: Record<string, string>;
}

/**
 * The packages `roots` need, read from package-lock.json as Node resolves them (a nested copy
 * first, then the top level). Optional dependencies (ssh2's cpu-features) are left out.
 */
async function lockClosure(roots: string[]): Promise<string[]> {
  const lock = JSON.parse(await readFile(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    const entry = lock.packages[key];
    if (!entry) throw new Error(`package-lock.json has no ${key}`);
    seen.add(key);
    for (const dep of Object.keys(entry.dependencies ?? {})) {
      let at: string | null = `${key}/node_modules/${dep}`;
      while (at && !lock.packages[at]) at = parentScope(at, dep);
      visit(at ?? `node_modules/${dep}`);
    }
  };
  for (const root of roots) visit(`node_modules/${root}`);
  // Nested copies travel inside their top-level package's folder.
  return [...seen].map((k) => k.split('node_modules/')[1]!.replace(/\/$/, ''));
}

/** `a/node_modules/b/node_modules/dep` → `a/node_modules/dep`; null past the top level. */
function parentScope(at: string, dep: string): string | null {
  const owner = at.slice(0, -`/node_modules/${dep}`.length);
  const cut = owner.lastIndexOf('/node_modules/');
  return cut < 0 ? null : `${owner.slice(0, cut)}/node_modules/${dep}`;
}

/** Top-level package folders under node_modules that the headless CLI's bundle reads from. */
async function reachedPackages(): Promise<string[]> {
  const result = await build({
    ...headlessOptions('/nonexistent'),
    packages: undefined,
    // Every package inlined, the external ones too: their inputs are the list to copy.
    plugins: [],
    sourcemap: false,
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: REPO_ROOT,
  });
  const found = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    // The first node_modules/<pkg> of the path: nested copies travel inside their parent.
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m?.[1]) found.add(m[1]);
  }
  return [...found].sort();
}

export async function productVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Copies the Node runtime to `dest`, without its debug symbols when binutils' `strip` is
 * there (about 18 MB less); the runtime is the same either way.
 */
export async function copyNodeRuntime(dest: string): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true });
  try {
    await run('strip', ['-o', dest, NODE_RUNTIME]);
  } catch {
    await cp(NODE_RUNTIME, dest);
  }
}
