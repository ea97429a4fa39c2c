import type Docker from 'dockerode';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildImageFromContext } from '../../src-main/devnet/image/build-image.js';
import { productVersion } from '../release/headless-payload.js';
import { AGENT_IMAGE, writeAgentImageContext } from './agent-image-context.js';

export interface BuildAgentOptions {
  /** Default: `resultity-node:<version>`, also tagged `resultity-node:latest` by the script. */
  tag?: string;
  rendererDir?: string;
}

/** Builds the agent image on the given engine and returns its tag. */
export async function buildAgentImage(docker: Docker, o: BuildAgentOptions = {}): Promise<string> {
  const tag = o.tag ?? `${AGENT_IMAGE}:${await productVersion()}`;
  const contextDir = await mkdtemp(path.join(os.tmpdir(), 'rn-agent-image-'));
  try {
    const src = await writeAgentImageContext({
      contextDir,
      ...(o.rendererDir ? { rendererDir: o.rendererDir } : {}),
    });
    return await buildImageFromContext(docker, {
      contextDir,
      src,
      tag,
      labels: { 'network.resultity.agent-image': 'true' },
    });
  } finally {
    await rm(contextDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { default: Dockerode } = await import('dockerode');
  const docker = new Dockerode({
    socketPath: process.env.DOCKER_HOST?.startsWith('unix://')
      ? process.env.DOCKER_HOST.slice('unix://'.length)
      : '/var/run/docker.sock',
  });
  const tag = await buildAgentImage(docker);
  await docker.getImage(tag).tag({ repo: AGENT_IMAGE, tag: 'latest' });
  process.stdout.write(`built ${tag} (also ${AGENT_IMAGE}:latest)\n`);
}
