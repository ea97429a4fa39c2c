import { mkdir, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { ApprovedModel } from '../../protocol/schemas/snapshot.js';
import { ModelError } from './model-errors.js';
import { dirSize } from './model-files.js';

/** Free and total bytes of the file system holding a folder; injected in tests. */
export type DiskSpaceFn = (dir: string) => Promise<{ free: number; total: number }>;

export const nodeDiskSpace: DiskSpaceFn = async (dir) => {
  const s = await statfs(dir);
  return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
};

/** Without an operator budget, models may fill the disk up to this share being left free. */
export const KEEP_FREE_SHARE = 0.1;

export interface DiskUsage {
  /** Bytes the installed and partly downloaded models take now. */
  usedBytes: number;
  /** Most bytes models may take: the operator's budget, or what leaves 10 % of the disk free. */
  budgetBytes: number;
  /** True when the budget is the operator's setting, false for the 10 %-free default. */
  operatorBudget: boolean;
}

const gb = (b: number) => (b / 1024 ** 3).toFixed(1);

/** The models' share of the disk: the operator's budget, or what leaves 10 % of the disk free. */
export async function diskUsage(
  hfHome: string,
  budgetBytes: number | null,
  space: DiskSpaceFn,
): Promise<DiskUsage> {
  await mkdir(hfHome, { recursive: true });
  const usedBytes = await dirSize(path.join(hfHome, 'hub'));
  if (budgetBytes !== null) return { usedBytes, budgetBytes, operatorBudget: true };
  const { free, total } = await space(hfHome).catch(() => ({ free: Infinity, total: Infinity }));
  // What the models hold now plus what may still be written before only 10 % is free.
  const room = Math.max(0, free - KEEP_FREE_SHARE * total);
  return { usedBytes, budgetBytes: usedBytes + room, operatorBudget: false };
}

/** Throws ModelError('disk_budget') when `needBytes` more would not fit; nothing is written. */
export async function checkDiskRoom(
  model: ApprovedModel,
  needBytes: number,
  hfHome: string,
  budgetBytes: number | null,
  space: DiskSpaceFn,
): Promise<void> {
  if (needBytes <= 0) return;
  const usage = await diskUsage(hfHome, budgetBytes, space);
  const fitsBudget = usage.usedBytes + needBytes <= usage.budgetBytes;
  if (fitsBudget && usage.operatorBudget) {
    // The operator's budget may be larger than what the disk still holds.
    const { free } = await space(hfHome).catch(() => ({ free: Infinity }));
    if (free >= needBytes) return;
    throw new ModelError(
      'disk_budget',
      `Not enough disk space for ${model.name}: ${gb(free)} GB free, ${gb(needBytes)} GB needed.`,
      'Free up disk space or move the data folder to a bigger disk.',
    );
  }
  if (fitsBudget) return;
  if (usage.operatorBudget) {
    throw new ModelError(
      'disk_budget',
      `Not enough disk for ${model.name}: it needs ${gb(needBytes)} GB more, but the models may use ${gb(usage.budgetBytes)} GB and ${gb(usage.usedBytes)} GB are taken.`,
      'Raise "Disk space for models" in Settings, or free space on the disk.',
    );
  }
  throw new ModelError(
    'disk_budget',
    `Not enough disk for ${model.name}: it needs ${gb(needBytes)} GB, and the node keeps 10 % of the disk free (${gb(usage.budgetBytes - usage.usedBytes)} GB can still be used).`,
    'Free up disk space or move the data folder to a bigger disk.',
  );
}
