// The per-suite setup the Docker node suites share: a work folder and the simulated-runtime image
// published to the local registry before the suite's tests, both removed after them.
import type Docker from 'dockerode';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { SimImageVariant } from '../../src-main/devnet/sim-runtime/image.js';
import { publishSimImage, type RegistrySimImage } from './sim-image-registry.js';

/** Set in beforeAll: read the fields inside tests and hooks, not at collection time. */
export interface SuiteImage {
  work: string;
  image: RegistrySimImage;
}

/**
 * Registers the suite's beforeAll (`<tmp>/<workPrefix>…` and the image `imageName`, built with
 * `variant`) and afterAll: `closeFirst` (the suite's node, devnet and the like) before the image
 * and the work folder go.
 */
export function workFolderAndSimImage(
  engine: Docker,
  workPrefix: string,
  imageName: string,
  closeFirst: () => Promise<void>,
  variant?: SimImageVariant,
): SuiteImage {
  const suite = {} as SuiteImage;
  beforeAll(async () => {
    suite.work = await mkdtemp(path.join(os.tmpdir(), workPrefix));
    suite.image = await publishSimImage(engine, imageName, undefined, variant);
  }, 240_000);
  afterAll(async () => {
    await closeFirst();
    await suite.image?.close();
    await rm(suite.work, { recursive: true, force: true });
  }, 120_000);
  return suite;
}
