import type Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildImageFromContext } from './build-image.js';
import { writeNodeImageContext, type NodeImageSpec } from './node-image-context.js';

export interface NodeImageBuild extends Omit<NodeImageSpec, 'contextDir' | 'buildId'> {
  tag: string;
  labels?: Record<string, string>;
  /**
   * An image no other build shares, for tests that remove their image while others build the
   * same files: every step runs anew (BuildFromContext.noCache) and its layer holds a random
   * build id (NodeImageSpec.buildId).
   */
  unshared?: boolean;
}

/** Builds a `FROM scratch` Node image (see writeNodeImageContext) and returns its tag. */
export async function buildNodeImage(docker: Docker, o: NodeImageBuild): Promise<string> {
  const { tag, labels, unshared = false, ...spec } = o;
  const contextDir = await mkdtemp(path.join(os.tmpdir(), 'rn-image-'));
  try {
    const src = await writeNodeImageContext({
      ...spec,
      contextDir,
      ...(unshared ? { buildId: randomUUID() } : {}),
    });
    return await buildImageFromContext(docker, {
      contextDir,
      src,
      tag,
      ...(labels ? { labels } : {}),
      noCache: unshared,
    });
  } finally {
    await rm(contextDir, { recursive: true, force: true });
  }
}
