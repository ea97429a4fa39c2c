import { z } from 'zod';
import { Digest, EpochMs } from './common.js';

/** Where the node is in following `updates.runtime.image_digest` (docs/PROTOCOL.md). */
export const RUNTIME_UPDATE_STATES = [
  'pulling',
  'switching',
  'done',
  'rolled_back',
  'refused',
  'failed',
] as const;
export type RuntimeUpdateState = (typeof RUNTIME_UPDATE_STATES)[number];

export const RuntimeUpdateReport = z.looseObject({
  digest: Digest.describe(
    'the image the runtime is moving to: the one updates.runtime names, or the one the driver rule picks',
  ),
  state: z
    .enum(RUNTIME_UPDATE_STATES)
    .describe(
      'pulling: downloading while the old image serves; switching: waiting for running jobs, then starting the new image and its test inference; done: the new image serves; rolled_back: its test inference failed and the previous image serves again; refused: not listed for this machine, nothing changed; failed: the download or the way back failed',
    ),
  error: z.string().max(500).optional().describe('why, for rolled_back, refused and failed'),
  since: EpochMs.describe('node clock: when this state began'),
});
export type RuntimeUpdateReport = z.infer<typeof RuntimeUpdateReport>;
