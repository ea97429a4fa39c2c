import Docker from 'dockerode';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildImageFromContext } from '../../src-main/devnet/image/build-image.js';
import {
  writeNodeImageContext,
  type NodeImageSpec,
} from '../../src-main/devnet/image/node-image-context.js';
import { dockerSocketPath } from './env.js';

export function testDocker(): Docker {
  return new Docker({ socketPath: dockerSocketPath() });
}

/** Builds a local `FROM scratch` Node image from the given scripts and returns its tag. */
export async function buildNodeImage(
  docker: Docker,
  tag: string,
  spec: Omit<NodeImageSpec, 'contextDir'>,
): Promise<string> {
  const contextDir = await mkdtemp(path.join(os.tmpdir(), 'rn-image-'));
  try {
    const src = await writeNodeImageContext({ ...spec, contextDir });
    return await buildImageFromContext(docker, { contextDir, src, tag });
  } finally {
    await rm(contextDir, { recursive: true, force: true });
  }
}
