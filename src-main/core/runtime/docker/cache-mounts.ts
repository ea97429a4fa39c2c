import type Docker from 'dockerode';
import type { EngineIdentity } from './engine-identity.js';

/** Outside /root: the container's user is not root and could not traverse it. */
export const CACHE_ROOT = '/cache';
export const HF_HOME = `${CACHE_ROOT}/huggingface`;
export const VLLM_CACHE = `${CACHE_ROOT}/vllm`;
/** Sub-folders of a models volume, matching HF_HOME and VLLM_CACHE under CACHE_ROOT. */
export const MODELS_VOLUME_DIRS = { hf: 'huggingface', compile: 'vllm' } as const;

/** The models volume as the runtime container mounts it (the node runs in a container). */
export interface ModelsVolumeMount {
  name: string;
  /** The engine mounts a volume's sub-folder (VolumeOptions.Subpath, Docker 26 / API 1.45). */
  subpaths: boolean;
}

/** Docker Engine 26 added VolumeOptions.Subpath (API 1.45); older engines and Podman ignore it. */
export function engineMountsSubpaths(
  identity: Pick<EngineIdentity, 'product' | 'apiVersion'>,
): boolean {
  const [major, minor] = (identity.apiVersion ?? '').split('.').map(Number);
  if (identity.product !== 'docker' || major === undefined || minor === undefined) return false;
  return major > 1 || (major === 1 && minor >= 45);
}

/**
 * Without sub-folder mounts the compile cache cannot be the volume's `vllm/` under a read-only
 * /cache: it goes to the container's /tmp tmpfs for the container's life (vLLM compiles again
 * at each start). A tmpfs or a second volume at /cache/vllm would be owned by root there (the
 * engine ignores the tmpfs mode below a volume), unwritable for the container's user.
 */
const COMPILE_IN_TMP = '/tmp/vllm';

/** Where vLLM's compile caches go in the container (VLLM_CACHE unless the above applies). */
export function compileCachePath(v: ModelsVolumeMount | undefined, offline: boolean): string {
  return v && offline && !v.subpaths ? COMPILE_IN_TMP : VLLM_CACHE;
}

function volume(
  source: string,
  target: string,
  o: { readOnly?: boolean; subpath?: string } = {},
): Docker.MountSettings {
  return {
    Type: 'volume',
    Source: source,
    Target: target,
    ...(o.readOnly ? { ReadOnly: true } : {}),
    // The API takes any subset of VolumeOptions; the typings ask for all of it.
    ...(o.subpath
      ? { VolumeOptions: { Subpath: o.subpath } as Docker.MountSettings['VolumeOptions'] }
      : {}),
  };
}

/**
 * The models volume's mounts. Verified weights (`offline`) are read-only on every engine: with
 * sub-folder mounts, `huggingface/` read-only and `vllm/` writable; without, the whole volume
 * read-only at /cache and the compile cache in /tmp (compileCachePath). Not verified (a runtime without the model
 * store: vLLM downloads the weights itself), the whole volume writable at /cache.
 */
export function modelsVolumeMounts(v: ModelsVolumeMount, offline: boolean): Docker.MountSettings[] {
  if (!offline) return [volume(v.name, CACHE_ROOT)];
  if (v.subpaths) {
    return [
      volume(v.name, HF_HOME, { readOnly: true, subpath: MODELS_VOLUME_DIRS.hf }),
      volume(v.name, VLLM_CACHE, { subpath: MODELS_VOLUME_DIRS.compile }),
    ];
  }
  return [volume(v.name, CACHE_ROOT, { readOnly: true })];
}
