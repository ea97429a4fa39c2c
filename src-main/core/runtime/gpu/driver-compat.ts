import type { RuntimeImage } from '../../protocol/schemas/snapshot.js';

/** CUDA 13 builds of vllm/vllm-openai need driver R580; the `-cu129` builds run on R575–579. */
export const CUDA13_MIN_DRIVER = 580;
export const CUDA129_MIN_DRIVER = 575;

/** Which vllm/vllm-openai build fits a driver, in words the operator can act on. */
export function vllmTagAdvice(major: number | null): { tag: string | null; advice: string } {
  if (major === null) {
    return {
      tag: null,
      advice: 'The NVIDIA driver version is unknown; install driver 580 or newer.',
    };
  }
  if (major >= CUDA13_MIN_DRIVER) {
    return {
      tag: 'default (CUDA 13)',
      advice: `Driver ${major} runs the default CUDA 13 vLLM images.`,
    };
  }
  if (major >= CUDA129_MIN_DRIVER) {
    return {
      tag: '-cu129',
      advice: `Driver ${major} runs the CUDA 12.9 images (tags ending in -cu129); driver 580 or newer runs the default CUDA 13 images.`,
    };
  }
  return {
    tag: null,
    advice: `Driver ${major} is too old for current vLLM images: update the NVIDIA driver to 580 or newer (575 at least, for the -cu129 images).`,
  };
}

export type ImageChoice =
  { ok: true; image: RuntimeImage } | { ok: false; detail: string; fix: string };

/**
 * Picks the approved image this driver can run: among images whose `min_driver` the driver
 * satisfies, the one needing the newest driver (the newest CUDA). With the driver unknown (no
 * GPU, the simulated runtime) the image with the lowest requirement is chosen.
 */
export function chooseImage(images: readonly RuntimeImage[], major: number | null): ImageChoice {
  if (images.length === 0) {
    return {
      ok: false,
      detail: 'The network config lists no runtime image.',
      fix: 'Wait for the next config update.',
    };
  }
  const need = (i: RuntimeImage) => i.min_driver ?? 0;
  const sorted = [...images].sort((a, b) => need(b) - need(a));
  if (major === null) return { ok: true, image: sorted[sorted.length - 1] as RuntimeImage };
  const fit = sorted.find((i) => need(i) <= major);
  if (fit) return { ok: true, image: fit };
  const lowest = need(sorted[sorted.length - 1] as RuntimeImage);
  return {
    ok: false,
    detail: `NVIDIA driver ${major} is older than every approved runtime image needs (the lowest needs ${lowest}).`,
    fix: `Update the NVIDIA driver to ${Math.max(lowest, CUDA13_MIN_DRIVER)} or newer and restart the computer.`,
  };
}
