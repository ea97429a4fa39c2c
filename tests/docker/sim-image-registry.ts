import type Docker from 'dockerode';
import type { RuntimeDefinition } from '../../src-main/core/protocol/schemas/snapshot.js';
import type { SimImageVariant } from '../../src-main/devnet/sim-runtime/image.js';
import { buildTestSimImage } from '../helpers/docker.js';
import { pushToRegistry, startLocalRegistry, type LocalRegistry } from './local-registry.js';

/**
 * The simulated vLLM image, built here and pushed to a local registry, so a runtime pulls it by
 * digest with real layers — the way the network names its runtime image.
 */
export interface RegistrySimImage {
  registry: LocalRegistry;
  /** The local tag it was built under. */
  buildTag: string;
  repository: string;
  tag: string;
  digest: string;
  /** `repository@digest`: what a runtime pulls and runs. */
  ref: string;
  /** The snapshot's `runtime` section naming this image. */
  runtimeDefinition: RuntimeDefinition;
  /** Removes the local copies (build tag and pushed tag), so a runtime must really download it. */
  forgetLocalCopies(): Promise<void>;
  /** Removes every copy of the image this engine holds and stops the registry (for afterAll). */
  close(): Promise<void>;
}

/** Times a named step (a test's timings record); the default runs it untimed. */
export type StepTimer = <T>(step: string, fn: () => Promise<T>) => Promise<T>;

const untimed: StepTimer = (_step, fn) => fn();

/**
 * `name` makes the tags unique to the test file (with the process id: files run in parallel);
 * `variant` bakes flags into the image (e.g. `--ttft-ms 15000`: every job outlasts a grace).
 */
export async function publishSimImage(
  engine: Docker,
  name: string,
  time: StepTimer = untimed,
  variant: SimImageVariant = {},
): Promise<RegistrySimImage> {
  const buildTag = `resultity-test/${name}:${process.pid}`;
  const tag = 'v1';
  await time('build sim image', () => buildTestSimImage(engine, buildTag, variant));
  const registry = await startLocalRegistry();
  const repository = `${registry.address}/resultity-test/${name}`;
  let digest: string;
  try {
    digest = await time('push to registry', () =>
      pushToRegistry(engine, buildTag, repository, tag),
    );
  } catch (err) {
    await registry.close();
    throw err;
  }
  const removeQuietly = (ref: string) =>
    engine
      .getImage(ref)
      .remove({ force: true })
      .then(() => undefined)
      .catch(() => undefined);
  return {
    registry,
    buildTag,
    repository,
    tag,
    digest,
    ref: `${repository}@${digest}`,
    runtimeDefinition: {
      engine: 'vllm',
      images: [{ id: 'sim', repository, tag, digest }],
      max_num_seqs: 16,
      gpu_memory_headroom_mb: 1024,
    },
    forgetLocalCopies: async () => {
      // The pushed tag first and without force: the engine then drops the image's digest
      // reference with its last tag, and a later pull by digest downloads every layer.
      await engine.getImage(`${repository}:${tag}`).remove();
      await engine.getImage(buildTag).remove({ force: true });
    },
    close: async () => {
      for (const ref of [`${repository}@${digest}`, `${repository}:${tag}`, buildTag])
        await removeQuietly(ref);
      await registry.close();
    },
  };
}
