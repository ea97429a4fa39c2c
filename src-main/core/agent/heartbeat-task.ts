import type { ConfigSync } from '../config/config-sync.js';
import type { Logger } from '../logger.js';
import { IoClockSkewError, IoNotRegisteredError } from '../network/errors.js';
import type { IoApi } from '../network/io-http-client.js';
import type { HeartbeatBody } from '../protocol/index.js';
import type { AccountLink } from './agent-deps.js';
import type { NodeHealth } from './health.js';

export interface HeartbeatTask {
  io: Pick<IoApi, 'heartbeat'>;
  body: () => Promise<HeartbeatBody>;
  health: NodeHealth;
  config: Pick<ConfigSync, 'advertised'>;
  notRegistered: () => void;
  /** Called when the network answered (the metrics' heartbeat age). */
  delivered?: () => void;
  /** Hears the owner the network holds (the heartbeat answer's `owner_status`). */
  account?: Pick<AccountLink, 'heard'>;
  log: Logger;
}

/**
 * One heartbeat: the answer refreshes the network's view of the node and its config digest;
 * a failure makes the node degraded with the reason (a skewed clock is named as such).
 */
export async function heartbeatOnce(t: HeartbeatTask): Promise<void> {
  try {
    // Inside the try: a failure to gather the body must show, not silently stop heartbeats.
    const answer = await t.io.heartbeat(await t.body());
    t.delivered?.();
    t.health.clear('heartbeat', 'clock');
    t.health.setRotation(answer.rotation ?? null);
    t.health.setNodeStatus(answer.status);
    void t.config.advertised(answer.config_digest, 'heartbeat');
    void t.account?.heard(answer.owner_status, 'heartbeat').catch((err: unknown) => {
      t.log.warn(`The network's answer about the owner was not saved: ${String(err)}`);
    });
  } catch (err) {
    if (err instanceof IoNotRegisteredError) return t.notRegistered();
    const msg = (err as Error).message;
    const reason =
      err instanceof IoClockSkewError ? msg : `the last heartbeat did not get through: ${msg}`;
    t.log.warn(`Heartbeat failed: ${msg}`);
    t.health.set('heartbeat', reason);
  }
}
