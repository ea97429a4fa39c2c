import { chmod, copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sharedLibraries } from '../../src-main/devnet/image/node-image-context.js';
import {
  NODE_RUNTIME,
  copyNodeRuntime,
  productVersion,
  writeHeadlessPayload,
} from '../release/headless-payload.js';

/** The tag `npm run image:agent` builds; docs/OPERATING.md runs it by this name. */
export const AGENT_IMAGE = 'resultity-node';
/** Where the node keeps keys, journal and settings inside the container: mount a volume. */
export const AGENT_DATA_DIR = '/data';
/** Where the compose file and the docs mount the models volume inside the container. */
export const AGENT_MODELS_DIR = '/models';

/**
 * The agent's Dockerfile. FROM scratch (no public base image can be pulled on our machines,
 * and a rig needs nothing else): the Node runtime with the libraries it links against, then
 * the headless node. Two layers, so a rebuild after a code change reuses the runtime's layer.
 * It runs as root inside the container: it holds the Docker socket, which is root on the host
 * anyway, and it hands the model caches to the runtime containers' unprivileged user.
 */
export function agentDockerfile(version: string): string {
  return [
    'FROM scratch',
    'COPY runtime/ /',
    'COPY app/ /app/',
    `LABEL org.opencontainers.image.title="Resultity Node agent" org.opencontainers.image.version="${version}"`,
    'ENV NODE_ENV=production',
    `VOLUME ["${AGENT_DATA_DIR}"]`,
    `ENTRYPOINT ["/node", "/app/dist/headless/cli.mjs", "--data-dir", "${AGENT_DATA_DIR}"]`,
    // The production default; `docker run IMAGE <flags>` replaces it.
    `CMD ["--profile", "testnet", "--runtime", "docker", "--json"]`,
    '',
  ].join('\n');
}

export interface AgentContextOptions {
  contextDir: string;
  rendererDir?: string;
}

/** Writes the agent image's build context; returns the entries to send to the engine. */
export async function writeAgentImageContext(o: AgentContextOptions): Promise<string[]> {
  await rm(o.contextDir, { recursive: true, force: true });
  const runtime = path.join(o.contextDir, 'runtime');
  await copyNodeRuntime(path.join(runtime, 'node'));
  for (const lib of await sharedLibraries(NODE_RUNTIME)) {
    const dest = path.join(runtime, lib);
    await mkdir(path.dirname(dest), { recursive: true });
    await copyFile(lib, dest);
  }
  // Node and the libraries it loads want a writable /tmp and the data folder to exist.
  await mkdir(path.join(runtime, 'tmp'), { recursive: true });
  await chmod(path.join(runtime, 'tmp'), 0o1777);
  await mkdir(path.join(runtime, AGENT_DATA_DIR.slice(1)), { recursive: true, mode: 0o700 });
  await mkdir(path.join(runtime, AGENT_MODELS_DIR.slice(1)), { recursive: true });
  await writeHeadlessPayload({
    appDir: path.join(o.contextDir, 'app'),
    ...(o.rendererDir ? { rendererDir: o.rendererDir } : {}),
  });
  await writeFile(path.join(o.contextDir, 'Dockerfile'), agentDockerfile(await productVersion()));
  return ['Dockerfile', 'runtime', 'app'];
}
