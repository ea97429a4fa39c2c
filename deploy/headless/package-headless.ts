import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  REPO_ROOT,
  copyNodeRuntime,
  productVersion,
  writeHeadlessPayload,
} from '../release/headless-payload.js';

const run = promisify(execFile);

/** The folder the tarball unpacks to; the systemd unit expects it at /opt/resultity-node. */
export const INSTALL_FOLDER = 'resultity-node';

export interface PackageOptions {
  /** Where the tarball goes (default: release/ of the checkout). */
  outDir?: string;
  rendererDir?: string;
}

/**
 * Builds release/resultity-node-headless-<version>-linux-x64.tar.gz: a folder
 * `resultity-node/` with `bin/resultity-node` (a launcher that checks the platform), `lib/node`
 * (the Node runtime), `lib/app` (bundle, dashboard, the npm packages it loads) and the systemd
 * unit. Runs without a source checkout and without a system Node.
 */
export async function packageHeadless(o: PackageOptions = {}): Promise<string> {
  const version = await productVersion();
  const outDir = o.outDir ?? path.join(REPO_ROOT, 'release');
  const work = await mkdtemp(path.join(os.tmpdir(), 'rn-package-'));
  try {
    const root = path.join(work, INSTALL_FOLDER);
    await writeHeadlessPayload({
      appDir: path.join(root, 'lib', 'app'),
      ...(o.rendererDir ? { rendererDir: o.rendererDir } : {}),
    });
    await copyNodeRuntime(path.join(root, 'lib', 'node'));
    await mkdir(path.join(root, 'bin'), { recursive: true });
    const launcher = path.join(root, 'bin', 'resultity-node');
    await copyFile(path.join(REPO_ROOT, 'deploy', 'headless', 'launcher.sh'), launcher);
    await chmod(launcher, 0o755);
    await copyFile(
      path.join(REPO_ROOT, 'deploy', 'systemd', 'resultity-node.service'),
      path.join(root, 'resultity-node.service'),
    );
    await mkdir(outDir, { recursive: true });
    const tarball = path.join(outDir, `resultity-node-headless-${version}-linux-x64.tar.gz`);
    // Owner and group are not the builder's: files unpack as whoever runs tar.
    await run('tar', ['-czf', tarball, '--owner=0', '--group=0', '-C', work, INSTALL_FOLDER]);
    return tarball;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const tarball = await packageHeadless();
  process.stdout.write(`${path.relative(process.cwd(), tarball)}\n`);
}
