import { sleep, type Clock } from '../clock.js';
import type { NetworkProfile } from '../config/network-profiles.js';
import type { Logger } from '../logger.js';
import { Backoff } from '../network/backoff.js';
import { IoRateLimitedError } from '../network/errors.js';
import type { IoApi } from '../network/io-http-client.js';
import { sameAddress, type RegisterBody, type RegisterResponse } from '../protocol/index.js';
import type { AgentDeps } from './agent-deps.js';

export interface RegisterAttempt {
  /** Called before each wait with the reason the attempt failed and the delay. */
  onRetry(reason: string, delayMs: number): void;
  signal: AbortSignal;
}

/**
 * Registers this node key, retrying with backoff until it succeeds or `signal` aborts. The
 * answer is checked to name this very key (the node ID is the key's address).
 */
export async function registerWithRetry(
  io: Pick<IoApi, 'register'>,
  deps: Pick<
    AgentDeps,
    'identity' | 'hardware' | 'account' | 'agentVersion' | 'options' | 'retryGate'
  >,
  profile: NetworkProfile,
  clock: Clock,
  logger: Logger,
  attempt: RegisterAttempt,
): Promise<RegisterResponse> {
  const retry = deps.options?.registerRetry ?? { baseMs: 1000, maxMs: 60_000 };
  const backoff = new Backoff({ ...retry, clock });
  for (;;) {
    attempt.signal.throwIfAborted();
    try {
      const body: RegisterBody = {
        network: profile.network,
        public_key: deps.identity.publicKey,
        owner: deps.account?.claim() ?? null,
        agent_version: deps.agentVersion,
        hardware: await deps.hardware(),
      };
      const answer = await io.register(body);
      if (!sameAddress(answer.node_id, deps.identity.nodeId)) {
        throw new Error(
          `the network registered node ${answer.node_id}, but this node's key is ${deps.identity.nodeId}`,
        );
      }
      // The owner's answer is shown, never a reason to fail the registration.
      await deps.account?.heard(answer.owner_status, 'registration').catch((err: unknown) => {
        logger.warn(`The network's answer about the owner was not saved: ${String(err)}`);
      });
      return answer;
    } catch (err) {
      attempt.signal.throwIfAborted();
      let delay = backoff.next();
      if (err instanceof IoRateLimitedError && err.retryAfterMs) {
        delay = Math.max(delay, err.retryAfterMs);
      }
      const reason = (err as Error).message;
      logger.warn(`Registration failed: ${reason} Retrying in ${Math.ceil(delay / 1000)} s.`);
      // The wait starts first, so whoever hears onRetry sees when the next try is.
      const waited = deps.retryGate
        ? deps.retryGate.wait(delay, profile.ioUrl, attempt.signal)
        : sleep(clock, delay, attempt.signal);
      attempt.onRetry(reason, delay);
      await waited;
    }
  }
}
