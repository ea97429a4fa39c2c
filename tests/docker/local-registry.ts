import type Docker from 'dockerode';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/free-port.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface LocalRegistry {
  /** host:port, e.g. 127.0.0.1:41234 (Docker trusts 127.0.0.0/8 over plain HTTP). */
  address: string;
  storage: string;
  close(): Promise<void>;
}

/**
 * Runs Debian's `docker-registry` (distribution 2.8) as a child process on 127.0.0.1 with a
 * temp config and storage, so tests pull real images with real layers and digests.
 */
export async function startLocalRegistry(): Promise<LocalRegistry> {
  if (!existsSync(REGISTRY_BINARY))
    throw new Error(`${REGISTRY_BINARY} is missing (apt-get install docker-registry)`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rn-registry-'));
  const storage = path.join(dir, 'storage');
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storage}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()).slice(-4000));
  const address = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://${address}/v2/`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (child.exitCode !== null || i > 100) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    address,
    storage,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Tags a local image into the registry, pushes it and returns the manifest digest. */
export async function pushToRegistry(
  docker: Docker,
  localTag: string,
  repository: string,
  tag: string,
): Promise<string> {
  await docker.getImage(localTag).tag({ repo: repository, tag });
  const stream = await docker.getImage(`${repository}:${tag}`).push({ tag });
  const events = await new Promise<Array<{ error?: string; aux?: { Digest?: string } }>>(
    (resolve, reject) =>
      docker.modem.followProgress(stream, (err, res) => (err ? reject(err) : resolve(res))),
  );
  const failed = events.find((e) => e.error);
  if (failed) throw new Error(`push of ${repository}:${tag} failed: ${failed.error}`);
  const digest = events.find((e) => e.aux?.Digest)?.aux?.Digest;
  if (!digest) throw new Error('the push reported no digest');
  return digest;
}
