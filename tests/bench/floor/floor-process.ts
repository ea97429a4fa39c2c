import { bundledEntry, startProcess, type ManagedProcess } from '../../helpers/processes.js';
import type { Stack } from '../stack/stack.js';

export interface FloorRelay {
  proc: ManagedProcess;
  nodeId: string;
  stop(): Promise<void>;
}

/**
 * Starts the floor relay (floor/relay.ts) against the stack's devnet and runtime, and waits
 * until the devnet has it in its rotation. Its node is left out of `stack.node()` from then on.
 */
export async function startFloorRelay(stack: Stack, slots: number): Promise<FloorRelay> {
  const proc = startProcess({
    name: 'floor-relay',
    args: [
      await bundledEntry('floor-relay', 'tests/bench/floor/relay.ts'),
      '--io-url',
      stack.devnet.url,
      '--runtime-url',
      stack.runtime.url,
      '--api-key',
      stack.runtime.apiKey,
      '--slots',
      String(slots),
    ],
  });
  const line = await proc.waitForLine(/^relay ready 0x[0-9a-fA-F]{40}$/, 30_000);
  const nodeId = line.split(' ')[2]!;
  stack.ignoredNodes.add(nodeId.toLowerCase());
  const until = Date.now() + 30_000;
  while (!(await stack.admin.node(nodeId)).in_rotation) {
    if (Date.now() > until) throw new Error('the floor relay never entered the rotation');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, nodeId, stop: () => proc.stop().then(() => undefined) };
}
