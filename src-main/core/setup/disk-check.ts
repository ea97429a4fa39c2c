import type { FreeSpaceFn } from '../runtime/docker/disk-space.js';
import { check, type SetupCheck } from './setup-check.js';

export interface DiskNeed {
  /** Folder, and what must fit there. */
  path: string;
  what: string;
  bytes: number;
}

const gb = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GB`;

/** Free space where the models (data folder) and the runtime image (Docker's folder) go. */
export async function diskCheck(
  needs: readonly DiskNeed[],
  freeSpace: FreeSpaceFn,
): Promise<SetupCheck> {
  const lines: string[] = [];
  let worst: 'pass' | 'warn' | 'fail' = 'pass';
  for (const need of needs) {
    const free = await freeSpace(need.path).catch(() => null);
    if (free === null) {
      lines.push(`Could not measure free space on ${need.path}.`);
      continue;
    }
    lines.push(
      `${gb(free)} free on ${need.path} for ${need.what} (about ${gb(need.bytes)} needed).`,
    );
    if (free < need.bytes) worst = 'fail';
    else if (free < need.bytes * 1.5 && worst === 'pass') worst = 'warn';
  }
  if (lines.length === 0) return check('disk', 'unknown', 'Nothing to measure.');
  const fix =
    worst === 'pass'
      ? undefined
      : "Free up disk space (docker system prune removes unused images and stopped containers), or move the node's data folder or Docker's data folder to a bigger disk.";
  return check('disk', worst, lines.join(' '), fix);
}
