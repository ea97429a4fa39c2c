import { statfs } from 'node:fs/promises';

/** Free bytes on the file system holding `path`; injected in tests. */
export type FreeSpaceFn = (path: string) => Promise<number>;

export const nodeFreeSpace: FreeSpaceFn = async (p) => {
  const s = await statfs(p);
  return s.bavail * s.bsize;
};

/** About what the vLLM image takes once extracted (CUDA, PyTorch, vLLM). */
export const VLLM_IMAGE_DISK_BYTES = 25 * 1024 ** 3;
