import type Docker from 'dockerode';

/** Threads count too; vLLM with its tokenizer and compile workers stays in the hundreds. */
export const RUNTIME_PIDS_LIMIT = 4096;
/** PyTorch passes tensors between vLLM's processes through /dev/shm (vLLM's own advice). */
export const RUNTIME_SHM_BYTES = 8 * 1024 ** 3;
/** Non-root user when the node itself runs as root (there is no operator uid to borrow). */
export const NOBODY = { uid: 65534, gid: 65534 };

export interface ContainerUser {
  uid: number;
  gid: number;
}

/**
 * The user the runtime container runs as: the node's own user, so files vLLM writes in the
 * mounted caches belong to the operator; never root (nobody when the node runs as root, and
 * on Windows, where there are no uids and Docker Desktop's shares ignore ownership).
 */
export function containerUser(
  proc: { getuid?: () => number; getgid?: () => number } = process,
): ContainerUser {
  const uid = proc.getuid?.();
  const gid = proc.getgid?.();
  if (uid === undefined || gid === undefined || uid === 0) return NOBODY;
  return { uid, gid: gid === 0 ? NOBODY.gid : gid };
}

/**
 * What confines every container the node starts: no capabilities, no privilege gain through
 * setuid files, a pids limit, a read-only image with a private /tmp, and its own IPC namespace
 * (the host's /dev/shm stays invisible). Mounts, ports and the GPU are added by the caller.
 */
export function confinedHostConfig(o: { shmBytes?: number } = {}): Docker.HostConfig {
  return {
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges:true'],
    PidsLimit: RUNTIME_PIDS_LIMIT,
    ReadonlyRootfs: true,
    // Exec allowed: Triton and FlashInfer may build kernels under $HOME (= /tmp) and load them.
    Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=4g,mode=1777' },
    IpcMode: 'private',
    ShmSize: o.shmBytes ?? RUNTIME_SHM_BYTES,
    Privileged: false,
  };
}
