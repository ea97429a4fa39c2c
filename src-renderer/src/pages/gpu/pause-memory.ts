import type { GpuSampleDto, PauseDto } from '../../../../src-main/contract/index.js';

/** One GPU's memory in use just before the pause and at its first reading after the stop. */
export interface MemoryAfterPause {
  gpu: number;
  beforeMb: number;
  beforeAt: number;
  afterMb: number;
  afterAt: number;
  /** The reading after the stop shows less memory in use than before the pause. */
  dropped: boolean;
}

/** When the last pause was asked for (its trigger), from the report; null when not measured. */
export function pauseTriggeredAt(p: PauseDto): number | null {
  if (p.runtimeStoppedAt === null || p.vramFreedAfterMs === null) return null;
  return p.runtimeStoppedAt - p.vramFreedAfterMs;
}

/**
 * What nvidia-smi's readings say about the GPU memory the runtime held: for each GPU with a
 * reading before the trigger AND one after the runtime stopped. Nothing is estimated: a GPU
 * without both readings (none since the stop, or older than the chart's window) is left out.
 */
export function memoryAfterPause(
  p: PauseDto,
  history: Readonly<Record<number, readonly GpuSampleDto[]>>,
): MemoryAfterPause[] {
  const trigger = pauseTriggeredAt(p);
  const stopped = p.runtimeStoppedAt;
  if (trigger === null || stopped === null) return [];
  const out: MemoryAfterPause[] = [];
  for (const [index, samples] of Object.entries(history)) {
    const known = samples.filter((s) => s.memoryUsedMb !== null);
    const before = known.filter((s) => s.ts <= trigger).at(-1);
    const after = known.find((s) => s.ts >= stopped);
    if (!before || !after) continue;
    out.push({
      gpu: Number(index),
      beforeMb: before.memoryUsedMb!,
      beforeAt: before.ts,
      afterMb: after.memoryUsedMb!,
      afterAt: after.ts,
      dropped: after.memoryUsedMb! < before.memoryUsedMb!,
    });
  }
  return out.sort((a, b) => a.gpu - b.gpu);
}
