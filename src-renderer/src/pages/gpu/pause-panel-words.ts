import type { PauseDto } from '../../../../src-main/contract/index.js';
import { formatClock, formatMebibytes } from '../../lib/format.js';
import type { MemoryAfterPause } from './pause-memory.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Where the pause is: finishing jobs, stopping the runtime, paused, resuming. */
export function pausePhaseWords(p: PauseDto): string {
  switch (p.phase) {
    case 'pausing':
      return p.pausingStep === 'stopping_runtime'
        ? 'Stopping the runtime to free its GPU memory.'
        : 'Finishing jobs: running jobs get up to 10 s, then unfinished ones go back to the network.';
    case 'paused':
      return 'Paused: the runtime is stopped and the node takes no jobs.';
    case 'resuming':
      return 'Resuming: the runtime is starting again; jobs come once it is ready.';
    case 'serving':
      return 'Serving jobs.';
  }
}

/**
 * What is known about the GPU memory after the last pause, in sentences. "GPU memory freed N s
 * after the pause" only when nvidia-smi's readings after the stop show less memory in use on
 * every GPU read; otherwise what is known: when the runtime stopped, and what the readings say.
 */
export function pauseMemoryWords(
  p: PauseDto,
  readings: readonly MemoryAfterPause[],
  simulated: boolean,
): string[] {
  if (p.runtimeStoppedAt === null || p.vramFreedAfterMs === null) return [];
  const after = seconds(p.vramFreedAfterMs);
  const at = formatClock(p.runtimeStoppedAt);
  if (simulated) {
    return [
      `The runtime stopped ${after} after the pause (at ${at}). It is the SIMULATED runtime, which holds no GPU memory, so the GPU readings do not change.`,
    ];
  }
  const confirmed = readings.length > 0 && readings.every((r) => r.dropped);
  const lines = [
    confirmed
      ? `GPU memory freed ${after} after the pause: the runtime stopped at ${at}.`
      : `The runtime stopped ${after} after the pause (at ${at}).`,
  ];
  for (const r of readings) {
    const was = `${formatMebibytes(r.beforeMb)} in use before the pause`;
    lines.push(
      r.dropped
        ? `GPU ${r.gpu}: ${was}, ${formatMebibytes(r.afterMb)} at ${formatClock(r.afterAt)}.`
        : `GPU ${r.gpu} still used ${formatMebibytes(r.afterMb)} at ${formatClock(r.afterAt)} (${was}): another program may be using its memory.`,
    );
  }
  if (readings.length === 0) {
    lines.push(
      'No GPU reading from before the pause and after the stop is at hand to show the memory released.',
    );
  }
  return lines;
}

/** Jobs the last pause handed back (said once the runtime stopped). */
export function handedBackWords(p: PauseDto): string | null {
  if (p.runtimeStoppedAt === null) return null;
  return p.handedBack > 0
    ? `${p.handedBack} unfinished job(s) were handed back to the network when the grace ended; it gives them to other nodes.`
    : 'Running jobs finished within the grace: none was handed back.';
}
