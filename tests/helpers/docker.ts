import Docker from 'dockerode';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
    const stream = await docker.buildImage({ context: contextDir, src }, { t: tag, rm: true });
    const events = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
      docker.modem.followProgress(stream, (err, res) => (err ? reject(err) : resolve(res))),
    );
    const failed = events.find((e) => e.error);
    if (failed) throw new Error(`docker build of ${tag} failed: ${failed.error}`);
    return tag;
  } finally {
    await rm(contextDir, { recursive: true, force: true });
  }
}
