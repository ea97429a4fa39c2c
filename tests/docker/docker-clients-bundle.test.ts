import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
// The esbuild options scripts/build-main.mjs ships the bundles with.
import { common } from '../../scripts/build-options.mjs';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';

const docker = await dockerAvailability();
const run = promisify(execFile);
// Inside the repo so the bundles resolve dockerode from node_modules like the shipped ones.
const dir = await mkdtemp(path.resolve('.tmp-docker-clients-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Production packages with an install script that may be loaded, and why that is harmless. */
const REVIEWED_LOADED = {
  ssh2: 'docker-modem requires it; its native crypto binding is refused, the JavaScript one runs',
  protobufjs:
    "dockerode's BuildKit session (grpc) requires it; its postinstall only checks versions",
};

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }>;
};
const withInstallScript = new Set(
  Object.entries(lock.packages)
    .filter(([p, v]) => p.startsWith('node_modules/') && !v.dev && v.hasInstallScript)
    .map(([p]) => p.replace(/^.*node_modules\//, '')),
);

// dockerode is loaded lazily (it costs ~34 MB of RSS); this proves the lazy load works in both
// bundle formats we ship, ESM (headless CLI) and CommonJS (Electron main), and that talking to
// the engine loads no native addon although npm compiled ssh2's and cpu-features' ones here.
describe.skipIf(!docker.available)('Docker clients inside our bundles', () => {
  for (const format of ['esm', 'cjs'] as const) {
    it(`talk to the real engine from a ${format} bundle and load no native addon`, async () => {
      const entry = path.join(dir, `entry-${format}.ts`);
      const src = path.resolve('src-main/core/runtime/docker/docker-clients.ts');
      await writeFile(
        entry,
        [
          `import { createRequire } from 'node:module';`,
          `import { createDockerClients } from ${JSON.stringify(src)};`,
          // Every native addon goes through process.dlopen, whoever requires it.
          `const dlopened: string[] = [];`,
          `const dlopen = process.dlopen;`,
          `process.dlopen = ((m: unknown, f: string, ...r: unknown[]) => { dlopened.push(f); return (dlopen as (...a: unknown[]) => unknown)(m, f, ...r); }) as typeof process.dlopen;`,
          `const c = createDockerClients({ kind: 'socket', path: ${JSON.stringify(dockerSocketPath())} } as never);`,
          `const cache = createRequire(${JSON.stringify(path.join(dir, 'x.js'))}).cache;`,
          `const packages = [...new Set(Object.keys(cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean))].sort();`,
          `c.api.ping().then((r) => console.log(JSON.stringify({ ping: String(r), dlopened, packages })));`,
        ].join('\n'),
      );
      const outfile = path.join(dir, `bundle.${format === 'esm' ? 'mjs' : 'cjs'}`);
      await build({ ...common, entryPoints: [entry], format, outfile, logLevel: 'silent' });
      const { stdout } = await run(process.execPath, [outfile]);
      const out = JSON.parse(stdout) as { ping: string; dlopened: string[]; packages: string[] };
      expect(out.ping).toBe('OK');
      expect(out.packages).toEqual(expect.arrayContaining(['dockerode', 'docker-modem', 'ssh2']));
      expect(out.dlopened).toEqual([]);
      expect(out.packages).not.toContain('cpu-features');
      expect(out.packages.filter((p) => withInstallScript.has(p)).sort()).toEqual(
        Object.keys(REVIEWED_LOADED).sort(),
      );
    });
  }

  it('is a real check here: npm compiled the addons it must not load', () => {
    const built = [
      'node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node',
      'node_modules/cpu-features/build/Release/cpufeatures.node',
    ].filter((f) => existsSync(f));
    // On a machine without a C++ toolchain the install scripts failed quietly: nothing to load.
    if (built.length === 0) console.log('[docker-clients-bundle] no compiled addons present');
    else expect(built).toHaveLength(2);
  });
});
