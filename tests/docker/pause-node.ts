import type Docker from 'dockerode';
import { DisposableStore } from '../../src-main/core/base/lifecycle.js';
import { systemClock } from '../../src-main/core/clock.js';
import type { Logger } from '../../src-main/core/logger.js';
import { PauseHost } from '../../src-main/service/pause-host.js';
import type { DockerNode } from './docker-node.js';

/**
 * The pause as the app holds it (service/pause-host.ts) attached to a node's agent: requests go
 * to `controller`, and `dto()` is what the tray, the Overview and the GPU page show. It is
 * disposed with the node (`started.close()`).
 */
export function pauseHostFor(started: DockerNode, logger: Logger): PauseHost {
  const host = new PauseHost(systemClock, logger);
  const attached = new DisposableStore();
  host.attach(started.node.agent, attached);
  const close = started.close;
  started.close = async () => {
    attached.dispose();
    host.dispose();
    await close();
  };
  return host;
}

/** Polls every 50 ms until `ok` holds; throws naming `what` after `ms`. */
export async function until(
  ok: () => boolean | Promise<boolean>,
  what: string,
  ms = 90_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Resolves with the engine's own time (epoch ms) of the container's `die` event: the moment its
 * process ended and the GPU memory it held was released. Subscribe before the trigger.
 */
export async function watchDeath(
  engine: Docker,
  id: string,
): Promise<{ died: Promise<number>; stop(): void }> {
  const stream = (await engine.getEvents({
    filters: { container: [id], event: ['die'] },
  })) as NodeJS.ReadableStream & { destroy(): void };
  const died = new Promise<number>((resolve, reject) => {
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) resolve(Math.round((JSON.parse(line) as { timeNano: number }).timeNano / 1e6));
      }
    });
    stream.on('error', reject);
  });
  return { died, stop: () => stream.destroy() };
}
