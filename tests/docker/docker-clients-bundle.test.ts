import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';

const docker = await dockerAvailability();
const run = promisify(execFile);
// Inside the repo so the bundles resolve dockerode from node_modules like the shipped ones.
const dir = await mkdtemp(path.resolve('.tmp-docker-clients-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// dockerode is loaded lazily (it costs ~34 MB of RSS); this proves the lazy load works in both
// bundle formats we ship: ESM (headless CLI) and CommonJS (Electron main).
describe.skipIf(!docker.available)('Docker clients inside our bundles', () => {
  for (const format of ['esm', 'cjs'] as const) {
    it(`talk to the real engine from a ${format} bundle`, async () => {
      const entry = path.join(dir, `entry-${format}.ts`);
      const src = path.resolve('src-main/core/runtime/docker/docker-clients.ts');
      await writeFile(
        entry,
        `import { createDockerClients } from ${JSON.stringify(src)};\n` +
          `const c = createDockerClients({ kind: 'socket', path: ${JSON.stringify(dockerSocketPath())} } as never);\n` +
          `c.api.ping().then((r) => console.log('ping ' + String(r)));\n`,
      );
      const outfile = path.join(dir, `bundle.${format === 'esm' ? 'mjs' : 'cjs'}`);
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format,
        packages: 'external',
        outfile,
        logLevel: 'silent',
      });
      const { stdout } = await run(process.execPath, [outfile]);
      expect(stdout.trim()).toBe('ping OK');
    });
  }
});
