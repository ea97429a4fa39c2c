import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = path.resolve(import.meta.dirname, '../../..');

/** Builds the renderer into a fresh temp folder (parallel test files never share an outDir). */
export async function buildRendererToTemp(): Promise<string> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'renderer-e2e-'));
  await build({
    configFile: path.join(root, 'src-renderer/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

export interface BundleSize {
  files: number;
  bytes: number;
  gzipBytes: number;
}

/** Bytes of the JS and CSS the dashboard loads, raw and gzip (what a browser transfers). */
export async function bundleSize(dir: string): Promise<BundleSize> {
  const size: BundleSize = { files: 0, bytes: 0, gzipBytes: 0 };
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (/\.(js|css)$/.test(entry.name)) {
        const body = await readFile(p);
        size.files += 1;
        size.bytes += (await stat(p)).size;
        size.gzipBytes += gzipSync(body, { level: 9 }).length;
      }
    }
  };
  await walk(dir);
  return size;
}
