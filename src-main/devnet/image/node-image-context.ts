import { execFile } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NodeImageSpec {
  /** Folder to fill with the build context (created if missing). */
  contextDir: string;
  /** Script files to copy into /app, keyed by their name inside the image. */
  files: Record<string, string>;
  /** The file (a key of `files`) that the container runs. */
  entry: string;
  /** Ports the image documents with EXPOSE. */
  expose?: number[];
  /** Arguments placed after the entry in ENTRYPOINT; `docker run IMAGE ...` args follow them. */
  entryArgs?: string[];
  /** Node binary to pack; defaults to the one running this code. */
  nodeBinary?: string;
  /**
   * Written to /app/.build-id, so the image's layer is this build's own: two builds of the same
   * files within one second otherwise make the same layer (file times are kept in whole seconds).
   */
  buildId?: string;
}

/**
 * Writes a Docker build context for an image `FROM scratch` holding a Node binary, the shared
 * libraries it links against (read from ldd) and the given scripts. No public base image can be
 * pulled on our machines, so this is how we make runnable Node images locally.
 */
export async function writeNodeImageContext(spec: NodeImageSpec): Promise<string[]> {
  const nodeBinary = spec.nodeBinary ?? process.execPath;
  await mkdir(path.join(spec.contextDir, 'rootfs', 'app'), { recursive: true });
  await copyFile(nodeBinary, path.join(spec.contextDir, 'rootfs', 'node'));

  const libs = await sharedLibraries(nodeBinary);
  for (const lib of libs) {
    const dest = path.join(spec.contextDir, 'rootfs', lib);
    await mkdir(path.dirname(dest), { recursive: true });
    await copyFile(lib, dest);
  }
  for (const [name, source] of Object.entries(spec.files)) {
    await copyFile(source, path.join(spec.contextDir, 'rootfs', 'app', name));
  }
  if (spec.buildId !== undefined) {
    await writeFile(path.join(spec.contextDir, 'rootfs', 'app', '.build-id'), `${spec.buildId}\n`);
  }
  const expose = (spec.expose ?? []).map((p) => `EXPOSE ${p}\n`).join('');
  const dockerfile =
    'FROM scratch\n' +
    'COPY rootfs/ /\n' +
    expose +
    'ENV NODE_ENV=production\n' +
    `ENTRYPOINT ${JSON.stringify(['/node', `/app/${spec.entry}`, ...(spec.entryArgs ?? [])])}\n`;
  await writeFile(path.join(spec.contextDir, 'Dockerfile'), dockerfile);
  return ['Dockerfile', 'rootfs'];
}

/** Absolute paths of the shared libraries (and the loader) a dynamically linked binary needs. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]);
  const found = new Set<string>();
  for (const line of stdout.split('\n')) {
    const match = /(\/\S+)\s+\(0x/.exec(line);
    if (match?.[1]) found.add(match[1]);
  }
  return [...found];
}
