export type CheckState = 'pass' | 'warn' | 'fail' | 'unknown';

export type SetupCheckId =
  'docker' | 'nvidia_driver' | 'container_toolkit' | 'gpu_in_container' | 'vram' | 'disk';

/** One line of the setup "doctor": what was checked, how it went, and the fix in plain words. */
export interface SetupCheck {
  id: SetupCheckId;
  label: string;
  state: CheckState;
  detail: string;
  fix?: string;
}

export const LABELS: Record<SetupCheckId, string> = {
  docker: 'Docker',
  nvidia_driver: 'NVIDIA driver',
  container_toolkit: 'NVIDIA Container Toolkit',
  gpu_in_container: 'GPU inside a container',
  vram: 'GPU memory',
  disk: 'Disk space',
};

export function check(
  id: SetupCheckId,
  state: CheckState,
  detail: string,
  fix?: string,
): SetupCheck {
  return { id, label: LABELS[id], state, detail, ...(fix ? { fix } : {}) };
}
