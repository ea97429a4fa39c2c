// The production CLI loads the devnet only when it starts one (`--profile local` without
// --io-url), and prom-client only when its ops server runs. Proven on the real bundle: the devnet's code sits in chunks the entry reaches only
// through `import()`, and a node that joins a network running elsewhere never loads them.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlessOptions } from '../../../scripts/build-options.mjs';
import { startDevnet, type Devnet } from '../../../src-main/devnet/io/devnet.js';
import { DEVNET_MODEL } from '../../../src-main/devnet/io/default-snapshot.js';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';
import { joinNetworkFlags } from '../../helpers/join-flags.js';

/** Text only the devnet's own modules define (the IO service and the simulated runtime). */
const DEVNET_MARKERS = ['function startDevnet(', 'function startSimRuntime('];

let root: string;
let out: string;
let staticDir: string;
let hook: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'headless-chunk-'));
  // Inside the checkout, so the bundle's external packages resolve from node_modules.
  await mkdir('dist', { recursive: true });
  out = resolve(await mkdtemp(join('dist', 'headless-chunk-test-')));
  await build({ ...headlessOptions(out), logLevel: 'error' });
  staticDir = join(root, 'renderer');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Resultity Node</title>');
  // Records every module the process loads, dynamic imports included.
  hook = join(root, 'record-loads.mjs');
  await writeFile(
    hook,
    `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({
  load(url, context, next) {
    appendFileSync(process.env.LOADED_MODULES_LOG, url + '\\n');
    return next(url, context);
  },
});
`,
  );
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

/** The files `file` reaches through static `import … from "./…"` (not `import()`). */
async function staticGraph(file: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = await readFile(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)";/gms)) {
    await staticGraph(resolve(dirname(file), m[1]!), seen);
  }
  for (const m of text.matchAll(/^import\s*"(\.[^"]+)";/gm)) {
    await staticGraph(resolve(dirname(file), m[1]!), seen);
  }
  return seen;
}

async function devnetChunks(): Promise<string[]> {
  const files = (await readdir(out, { recursive: true }))
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => join(out, f));
  const hits: string[] = [];
  for (const f of files) {
    const text = await readFile(f, 'utf8');
    if (DEVNET_MARKERS.some((m) => text.includes(m))) hits.push(f);
  }
  return hits;
}

/** Runs the built CLI until `until` sees its event, stops it, and returns what it loaded. */
async function runBuilt(args: string[], until: (e: Record<string, unknown>) => boolean) {
  const log = join(root, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const env: NodeJS.ProcessEnv = { ...process.env, LOADED_MODULES_LOG: log };
  delete env.RESULTITY_KEY_PASSPHRASE;
  delete env.RESULTITY_DATA_DIR;
  const child = spawn(process.execPath, ['--import', hook, join(out, 'cli.mjs'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await new Promise<void>((resolveSeen, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the node did not get there in 30 s; stderr: ${stderr.join('\n')}`));
    }, 30_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (until(JSON.parse(line) as Record<string, unknown>)) {
        clearTimeout(timer);
        resolveSeen();
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr.join('\n')}`)));
  });
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
}

describe('headless bundle: the devnet is a chunk of its own', () => {
  it('the entry reaches no devnet code through static imports; import() chunks hold it', async () => {
    const reachable = [...(await staticGraph(join(out, 'cli.mjs')))];
    expect(reachable.length).toBeGreaterThan(1); // the shared chunk is found, so the walk works
    const devnet = await devnetChunks();
    expect(devnet.length).toBeGreaterThan(0);
    for (const chunk of devnet) expect(reachable).not.toContain(chunk);
  });

  it('nor prom-client: the ops server (metrics) is a chunk loaded only when it starts', async () => {
    for (const file of await staticGraph(join(out, 'cli.mjs'))) {
      expect(await readFile(file, 'utf8')).not.toMatch(/from\s*"prom-client"/);
    }
  });

  it('every file of it is ASCII (V8 would hold a file with one other character as UTF-16)', async () => {
    const files = (await readdir(out, { recursive: true })).filter((f) => f.endsWith('.mjs'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = await readFile(join(out, f), 'utf8');
      expect(text.match(/[\u0080-\uffff]/g) ?? [], f).toEqual([]);
    }
  });

  describe('at run time', () => {
    let devnet: Devnet;
    let sim: SimRuntime;
    beforeAll(async () => {
      devnet = await startDevnet({ testRetryMs: 1_000 });
      sim = await startSimRuntime({
        model: DEVNET_MODEL.name,
        servedModelName: DEVNET_MODEL.served_name,
        warmupMs: 0,
      });
    });
    afterAll(async () => {
      await sim?.close();
      await devnet?.close();
    });

    const common = () => ['--json', '--dashboard-dir', staticDir];
    // A network that runs elsewhere: the devnet and runtime of this suite, by address.
    const elsewhere = () => joinNetworkFlags(devnet, sim);

    it('a node joining a network that runs elsewhere never loads the devnet chunk', async () => {
      const chunks = await devnetChunks();
      const loaded = await runBuilt(
        [...common(), '--data-dir', join(root, 'external'), ...elsewhere()],
        (e) => e.type === 'state' && e.state === 'active',
      );
      expect(loaded.some((u) => u.endsWith('/cli.mjs'))).toBe(true);
      expect(loaded.filter((u) => u.includes('/chunks/')).length).toBeGreaterThan(0);
      for (const chunk of chunks) expect(loaded).not.toContain(pathToFileURL(chunk).href);
      // Its ops server is on (the default): the metrics library is loaded and seen loading.
      expect(loaded.some((u) => u.includes('/node_modules/prom-client/'))).toBe(true);
    }, 60_000);

    it('with --ops-port off the node never loads prom-client', async () => {
      const loaded = await runBuilt(
        [...common(), '--data-dir', join(root, 'ops-off'), '--ops-port', 'off', ...elsewhere()],
        (e) => e.type === 'state' && e.state === 'active',
      );
      expect(loaded.some((u) => u.endsWith('/cli.mjs'))).toBe(true);
      expect(loaded.filter((u) => u.includes('/node_modules/prom-client/'))).toEqual([]);
    }, 60_000);

    it('--profile local (the in-process devnet) loads it', async () => {
      const chunks = await devnetChunks();
      const loaded = await runBuilt(
        [...common(), '--data-dir', join(root, 'in-process')],
        (e) => e.type === 'state' && e.state === 'active',
      );
      for (const chunk of chunks) expect(loaded).toContain(pathToFileURL(chunk).href);
    }, 60_000);
  });
});
