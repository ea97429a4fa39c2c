import type Docker from 'dockerode';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNodeImage } from '../image/build-node-image.js';

export const SIM_RUNTIME_IMAGE = 'resultity/sim-vllm-openai:0.11.0-sim';
export const SIM_RUNTIME_PORT = 8000;

/**
 * Bundles the simulated runtime's CLI and all its dependencies into one ESM file. Runs from
 * the source tree (esbuild is a dev dependency, loaded only when called).
 */
export async function bundleSimRuntime(outFile: string): Promise<string> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(new URL('./cli.ts', import.meta.url))],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outFile;
}

/** A variant of the image (tests of runtime updates): its own digest, its own behaviour. */
export interface SimImageVariant {
  /** Flags after the fixed ones, e.g. `['--fault', 'error-rate=1']` for failing completions. */
  extraArgs?: string[];
  /** Extra image labels (a different label gives a different image digest). */
  labels?: Record<string, string>;
  /** See NodeImageBuild.unshared (tests). */
  unshared?: boolean;
}

/**
 * Builds the stand-in for `vllm/vllm-openai`: a FROM-scratch image with Node and the bundled
 * CLI, listening on 0.0.0.0:8000, so `docker run IMAGE --model X --served-model-name X` works
 * like vLLM's image. Returns the tag.
 */
export async function buildSimRuntimeImage(
  docker: Docker,
  tag: string = SIM_RUNTIME_IMAGE,
  variant: SimImageVariant = {},
): Promise<string> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'rn-sim-runtime-'));
  try {
    const bundle = await bundleSimRuntime(path.join(work, 'sim-runtime.mjs'));
    return await buildNodeImage(docker, {
      tag,
      files: { 'sim-runtime.mjs': bundle },
      entry: 'sim-runtime.mjs',
      expose: [SIM_RUNTIME_PORT],
      entryArgs: [
        '--host',
        '0.0.0.0',
        '--port',
        String(SIM_RUNTIME_PORT),
        ...(variant.extraArgs ?? []),
      ],
      labels: { 'network.resultity.sim-runtime': 'true', ...variant.labels },
      unshared: variant.unshared ?? false,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
