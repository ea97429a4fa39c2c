import type { Clock } from '../clock.js';
import { IoClockSkewError } from '../network/errors.js';
import type { IoApi } from '../network/io-http-client.js';

/**
 * After a refused session signature: asks the network for its time and, when this machine's
 * clock is off by more than `allowedMs`, returns the operator's fix in plain words. Null when
 * the clock is fine or the network cannot be asked.
 */
export async function clockSkewProblem(
  io: Pick<IoApi, 'time'>,
  clock: Pick<Clock, 'now'>,
  allowedMs: number,
): Promise<string | null> {
  try {
    const sent = clock.now();
    const { server_time } = await io.time();
    const offset = Math.round((sent + clock.now()) / 2 - server_time);
    return Math.abs(offset) > allowedMs ? new IoClockSkewError(offset).message : null;
  } catch {
    return null;
  }
}
