import type { ConfigSnapshot, RuntimeImage } from '../protocol/schemas/snapshot.js';

/** `updates.runtime.image_digest` meaning "no update requested" (docs/PROTOCOL.md). */
export const NO_RUNTIME_UPDATE = `sha256:${'0'.repeat(64)}`;

/** What the snapshot's `updates.runtime` asks of this machine. */
export interface RuntimeImageRequest {
  /** The digest the network wants served. */
  digest: string;
  /** The listed image with that digest, when this machine can run it; else null. */
  image: RuntimeImage | null;
  /** Why the request cannot be followed here (plain words), or null. */
  refused: string | null;
}

/**
 * Reads `updates.runtime.image_digest` against `runtime.images`: null when no update is
 * requested (the all-zero digest); otherwise the listed image with that digest, or why this
 * node cannot follow it (not listed, or it needs a newer NVIDIA driver than this machine has).
 */
export function runtimeImageRequest(
  snapshot: ConfigSnapshot,
  driverMajor: number | null,
): RuntimeImageRequest | null {
  const digest = snapshot.updates.runtime.image_digest;
  if (digest === NO_RUNTIME_UPDATE) return null;
  const image = snapshot.runtime.images.find((i) => i.digest === digest);
  if (!image) {
    return {
      digest,
      image: null,
      refused: 'the configuration lists no runtime image with that digest',
    };
  }
  const need = image.min_driver ?? 0;
  if (driverMajor !== null && need > driverMajor) {
    return {
      digest,
      image: null,
      refused: `the image needs NVIDIA driver ${need} or newer and this machine has ${driverMajor}`,
    };
  }
  return { digest, image, refused: null };
}
