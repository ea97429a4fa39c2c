import { waitUntil } from '../helpers/processes.js';
import { efficiencyPhase } from './phases.js';
import type { Stack } from './stack/stack.js';

export interface SlotsSetting {
  slots: number;
  ttftMs: number;
  /** Per sequence: a runtime of many slots decodes each one slower (the GPU is shared). */
  tokensPerSecond: number;
}

/**
 * Efficiency with a runtime of `s.slots` slots: the snapshot says so (`runtime.max_num_seqs`,
 * with room in `jobs.max_queue_size` for the node's window), the runtime is restarted with
 * them, and the phase waits until the node has reopened its session announcing slots + window.
 */
export async function efficiencyAt(stack: Stack, s: SlotsSetting, seconds: number) {
  const t0 = performance.now();
  await stack.admin.publish({
    runtime: { max_num_seqs: s.slots },
    jobs: { max_queue_size: Math.min(1024, s.slots * 2) },
  });
  await stack.restartRuntime({
    maxNumSeqs: s.slots,
    ttftMs: s.ttftMs,
    tokensPerSecond: s.tokensPerSecond,
  });
  const node = await waitUntil(
    async () => {
      const n = await stack.node();
      return n?.in_rotation && (n.session?.max_concurrency ?? 0) > s.slots ? n : null;
    },
    `the node to announce more than ${s.slots} jobs at once`,
    60_000,
    100,
  );
  const readyS = (performance.now() - t0) / 1000;
  const before = await stack.admin.stats();
  const eff = await efficiencyPhase(stack, {
    seconds,
    slots: s.slots,
    ttftMs: s.ttftMs,
    tokensPerSecond: s.tokensPerSecond,
    maxTokens: 32,
    overload: 1.25,
  });
  const after = await stack.admin.stats();
  const end = await stack.node();
  return {
    ...eff,
    advertised: node.session?.max_concurrency ?? null,
    /** The node may widen its window during the phase (queue-window.ts). */
    advertisedAtEnd: end?.session?.max_concurrency ?? null,
    deadlineMisses: after.deadline_misses - before.deadline_misses,
    /** From the snapshot's publication to the node announcing the new slots. */
    readyS,
  };
}
