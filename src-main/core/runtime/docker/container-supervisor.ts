import type Docker from 'dockerode';
import { warnListenerErrors, type Event } from '../../base/event.js';
import type { Clock, TimerHandle } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { ContainerEventWatcher } from './container-events.js';
import { ContainerLogFollower } from './container-logs.js';
import {
  createAndStartContainer,
  ignoreStopped,
  removeStaleContainers,
  stopAndRemove,
} from './container-ops.js';
import {
  isPortTakenError,
  type ContainerInstance,
  type VllmContainerSpec,
} from './container-spec.js';
import type { DockerClients } from './docker-clients.js';
import { classifyGpuError } from './gpu-errors.js';
import { probeHealth } from './health-probe.js';
import { NETWORK_LABEL, OWNER_LABEL } from './labels.js';
import { pickFreePort, type PortPicker } from './port-picker.js';
import {
  SupervisorStatusBox,
  type SupervisorState,
  type SupervisorStatus,
} from './supervisor-status.js';
import { DEFAULT_TIMING, RestartPolicy, type SupervisorTiming } from './supervisor-timing.js';

export interface ContainerSupervisorOptions {
  clients: DockerClients;
  clock: Clock;
  logger: Logger;
  network: string;
  fetch?: typeof fetch;
  pickPort?: PortPicker;
  /** For turning CUDA errors in the logs into the right advice. */
  driverMajor?: () => number | null;
  timing?: Partial<SupervisorTiming>;
  /**
   * One of several containers of this node (one per GPU): the leftovers of earlier runs are
   * removed once by their owner before any starts, never by one sibling under another.
   */
  siblings?: boolean;
}

/**
 * Runs one vLLM container like Livepeer's AI worker runs its runners: labelled as ours, stale
 * ones removed at start, port on 127.0.0.1, a health loop with a loading budget of minutes,
 * crashes seen on the engine's event stream, restarts with backoff, recreation after repeated
 * failures, logs streamed into the agent's logger.
 */
export class ContainerSupervisor {
  readonly #o: ContainerSupervisorOptions;
  readonly #t: SupervisorTiming;
  readonly #status: SupervisorStatusBox;
  /** Fires on every status change (the restart count is read with status()). */
  readonly onStatus: Event<SupervisorStatus>;
  readonly #events: ContainerEventWatcher;
  readonly #logs: ContainerLogFollower;
  #spec: VllmContainerSpec | null = null;
  #container: Docker.Container | null = null;
  #instance: ContainerInstance | null = null;
  #epoch = 0;
  readonly #policy: RestartPolicy;
  #restarts = 0;
  #healthFails = 0;
  #loadingSince = 0;
  #timer: TimerHandle | null = null;
  #stopping = false;

  constructor(opts: ContainerSupervisorOptions) {
    this.#o = opts;
    this.#t = { ...DEFAULT_TIMING, ...opts.timing };
    this.#policy = new RestartPolicy(this.#t);
    const log = opts.logger;
    this.#status = new SupervisorStatusBox(warnListenerErrors(log, 'runtime container status'));
    this.onStatus = this.#status.onChange;
    this.#logs = new ContainerLogFollower(log.child('vllm'), () =>
      this.#instance ? [this.#instance.apiKey] : [],
    );
    this.#events = new ContainerEventWatcher({
      docker: opts.clients.stream,
      clock: opts.clock,
      logger: log,
      labels: [`${OWNER_LABEL}=1`, `${NETWORK_LABEL}=${opts.network}`],
      onEvent: (e) => {
        if (e.id === this.#container?.id && (e.action === 'die' || e.action === 'oom'))
          void this.#checkExited();
      },
      onReconnect: () => void this.#checkExited(),
    });
  }

  status(): SupervisorStatus {
    return { ...this.#status.current, restarts: this.#restarts };
  }

  /** Where the running container answers, and its API key (both change on recreation). */
  endpoint(): { baseUrl: string; apiKey: string; containerId: string } | null {
    if (!this.#instance || !this.#container) return null;
    return {
      baseUrl: `http://127.0.0.1:${this.#instance.hostPort}`,
      apiKey: this.#instance.apiKey,
      containerId: this.#container.id,
    };
  }

  /** Starts the container for `spec`; resolves once it serves, rejects when it gave up. */
  async start(spec: VllmContainerSpec): Promise<void> {
    this.#stopping = false;
    this.#spec = spec;
    this.#policy.reset();
    this.#set('starting', `Starting the runtime for ${spec.model.servedName}.`);
    const ready = this.#status.waitForReady();
    ready.catch(() => undefined); // observed below; avoids an unhandled rejection on early failure
    try {
      if (!this.#o.siblings) await this.removeStale();
      this.#events.start();
      await this.#createAndStart();
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      const problem = classifyGpuError(text, this.#o.driverMajor?.() ?? null);
      this.#set(
        'failed',
        problem ? problem.detail : `The runtime container could not start: ${text}`,
        problem?.fix,
      );
      throw err;
    }
    return ready;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#epoch++;
    this.#clearTimer();
    this.#events.stop();
    this.#logs.stop();
    await this.#removeContainer(true);
    this.#set('stopped', 'The runtime is stopped.');
  }

  /** Removes every container of ours on this network (left by a crash or an old version). */
  removeStale(): Promise<number> {
    return removeStaleContainers(
      this.#o.clients.api,
      this.#o.network,
      this.#o.logger,
      this.#container?.id,
      this.#spec?.instance,
    );
  }

  async #createAndStart(): Promise<void> {
    if (!this.#spec) throw new Error('no runtime spec');
    const { container, instance } = await createAndStartContainer(this.#o.clients.api, this.#spec, {
      network: this.#o.network,
      pickPort: this.#o.pickPort ?? pickFreePort,
      attempts: this.#t.portAttempts,
      logger: this.#o.logger,
    });
    this.#container = container;
    this.#instance = instance;
    this.#afterStart();
  }

  #afterStart(): void {
    const epoch = ++this.#epoch;
    this.#healthFails = 0;
    this.#loadingSince = this.#o.clock.now();
    const since = Math.floor(Date.now() / 1000) - 1;
    if (this.#container) {
      this.#logs.follow(this.#container, since).catch((err) => {
        this.#o.logger.debug('Could not follow runtime logs', { error: String(err) });
      });
    }
    const name = this.#spec?.model.servedName ?? 'the model';
    this.#set('loading', `Loading ${name}; a cold start takes 1–10 minutes.`);
    this.#schedule(epoch, this.#t.loadingHealthMs);
  }

  #schedule(epoch: number, ms: number): void {
    this.#clearTimer();
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = null;
      void this.#healthTick(epoch);
    }, ms);
  }

  async #healthTick(epoch: number): Promise<void> {
    const ep = this.endpoint();
    if (epoch !== this.#epoch || this.#stopping || !ep) return;
    const answer = await probeHealth(this.#o.fetch ?? fetch, ep.baseUrl, this.#t.healthTimeoutMs);
    if (epoch !== this.#epoch || this.#stopping) return;
    if (answer.kind !== 'ok') {
      // The engine's "die" event can lag under load: ask the engine directly, it is cheap.
      await this.#checkExited();
      if (epoch !== this.#epoch || this.#stopping) return;
    }
    const state = this.#status.current.state;
    if (state === 'loading') {
      if (answer.kind === 'ok') return this.#ready(epoch);
      const waited = this.#o.clock.now() - this.#loadingSince;
      if (waited > this.#t.loadingBudgetMs) {
        return this.#recover(
          `The model did not finish loading within ${Math.round(this.#t.loadingBudgetMs / 60_000)} min.`,
        );
      }
      return this.#schedule(epoch, this.#t.loadingHealthMs);
    }
    if (answer.kind === 'ok') {
      this.#healthFails = 0;
      if (state === 'unhealthy') this.#ready(epoch);
      else this.#schedule(epoch, this.#t.readyHealthMs);
      return;
    }
    this.#healthFails++;
    if (this.#healthFails >= this.#t.restartAfter) {
      return this.#recover(`The runtime stopped answering its health check (${answer.detail}).`);
    }
    if (this.#healthFails >= this.#t.unhealthyAfter) {
      this.#set('unhealthy', `The runtime is not answering its health check (${answer.detail}).`);
    }
    this.#schedule(epoch, this.#t.loadingHealthMs);
  }

  #ready(epoch: number): void {
    this.#policy.reset();
    this.#healthFails = 0;
    const port = this.#instance?.hostPort;
    this.#set('ready', `Serving ${this.#spec?.model.servedName} on 127.0.0.1:${port}.`);
    this.#schedule(epoch, this.#t.readyHealthMs);
  }

  /** Called on a die/oom event or after the event stream came back: did our container exit? */
  async #checkExited(): Promise<void> {
    const state = this.#status.current.state;
    if (this.#stopping || !['loading', 'ready', 'unhealthy'].includes(state)) return;
    const container = this.#container;
    if (!container) return;
    const epoch = this.#epoch;
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch {
      if (epoch === this.#epoch) this.#recover('The runtime container disappeared.');
      return;
    }
    // A late "die" from our own restart: the container already runs again.
    if (info.State.Running || epoch !== this.#epoch) return;
    const why = info.State.OOMKilled
      ? 'The runtime ran out of memory and was stopped.'
      : `The runtime exited (code ${info.State.ExitCode}).`;
    this.#recover(why);
  }

  #recover(why: string): void {
    if (this.#stopping) return;
    const epoch = ++this.#epoch;
    this.#clearTimer();
    const problem = classifyGpuError(
      this.#logs.recent().join('\n'),
      this.#o.driverMajor?.() ?? null,
    );
    const step = this.#policy.next();
    if (step.action === 'fail') return this.#fail(why, problem?.detail, problem?.fix);
    const recreate = step.action === 'recreate';
    const delay = step.delayMs;
    const what = `${recreate ? 'Recreating the container' : 'Restarting'} in ${Math.round(delay / 1000)} s.`;
    this.#o.logger.warn(`${why} ${what}`);
    this.#set('restarting', `${why} ${problem ? `${problem.detail} ` : ''}${what}`, problem?.fix);
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = null;
      if (epoch !== this.#epoch || this.#stopping) return;
      void (recreate ? this.#recreate() : this.#restartSame());
    }, delay);
  }

  async #restartSame(): Promise<void> {
    const container = this.#container;
    if (!container) return this.#recreate();
    try {
      await container.stop({ t: this.#t.stopTimeoutSec }).catch(ignoreStopped);
      if (this.#stopping) return;
      await container.start();
      this.#restarts++;
      this.#afterStart();
    } catch (err) {
      if (this.#stopping) return;
      if (isPortTakenError(err)) return this.#recreate();
      this.#recover(
        `The runtime could not be restarted: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  async #recreate(): Promise<void> {
    try {
      await this.#removeContainer(false);
      if (this.#stopping) return;
      this.#o.logger.info('Recreating the runtime container');
      await this.#createAndStart();
      this.#restarts++;
    } catch (err) {
      if (this.#stopping) return;
      this.#recover(
        `The runtime container could not be recreated: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  #fail(why: string, detail?: string, fix?: string): void {
    this.#set(
      'failed',
      `${why} ${detail ?? 'It kept failing after several restarts.'}`,
      fix ??
        'See the runtime log lines above for the cause; the node tries again in a few minutes.',
    );
    this.#o.logger.error(`Runtime failed: ${why}`);
    const epoch = this.#epoch;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = null;
      if (epoch !== this.#epoch || this.#stopping) return;
      this.#policy.reset();
      void this.#recreate();
    }, this.#t.failedRetryMs);
  }

  async #removeContainer(graceful: boolean): Promise<void> {
    const container = this.#container;
    this.#logs.stop();
    if (!container) return;
    await stopAndRemove(container, graceful, this.#t.stopTimeoutSec);
    if (this.#container === container) {
      this.#container = null;
      this.#instance = null;
    }
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #set(state: SupervisorState, detail: string, fix?: string): void {
    this.#status.set({
      state,
      detail,
      fix,
      containerId: this.#container?.id ?? null,
      hostPort: this.#instance?.hostPort ?? null,
      restarts: this.#restarts,
    });
  }
}
