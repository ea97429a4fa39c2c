import type { DisposableStore } from '../core/base/lifecycle.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { ForeignGpuTrigger } from '../core/pause/foreign-gpu-trigger.js';
import { GpuLimits, type GpuLimitSettings } from '../core/pause/gpu-limits.js';
import type { PauseController } from '../core/pause/pause-controller.js';
import { computeAppsArgs, parseComputeApps } from '../core/runtime/gpu/compute-apps.js';
import { nodeDiscoveryHost } from '../core/runtime/docker/discovery-host.js';
import { engineOwnedPids } from '../core/runtime/docker/owned-pids.js';
import type { RunFn } from '../core/runtime/gpu/gpu-probe.js';
import { nodeLocateHost, nodeRun } from '../core/runtime/gpu/node-host.js';
import { locateNvidiaSmi, type LocateHost } from '../core/runtime/gpu/nvidia-smi-locate.js';
import type { GpuSource } from './gpu-source.js';
import type { PauseHost } from './pause-host.js';

/** The GPU-driven part of Settings → When to pause. */
export interface GpuTriggerSettings extends GpuLimitSettings {
  otherGpuWork: boolean;
}

export interface GpuTriggersOptions {
  clock: Clock;
  logger: Logger;
  pauses: PauseController;
  gpu: Pick<GpuSource, 'ready' | 'state' | 'readings' | 'onSample'>;
  host: LocateHost;
  run: RunFn;
  /** Host PIDs of the node's own runtime containers. */
  ownPids: () => Promise<Set<number>>;
  /** The node is starting its runtime again after a pause. */
  resuming: () => boolean;
  /** Says why a trigger cannot work on this machine (null: it can), for Settings. */
  availability?: (source: 'foreign-gpu-process' | 'thermal' | 'power', why: string | null) => void;
  /** Tests: faster loops. */
  timing?: { pollMs?: number; settleMs?: number; pauseAfterMs?: number; clearAfterMs?: number };
}

const LIST_TIMEOUT_MS = 10_000;

/**
 * The triggers that watch the GPU for the whole process (they outlive a Stop and Start, like
 * the pause they feed): another program computing on it, and the temperature ceiling and power
 * cap. Settings are applied live; the other-programs watch starts only once a GPU was found.
 */
export class GpuTriggers {
  readonly limits: GpuLimits;
  private readonly foreign: ForeignGpuTrigger;
  private wanted = false;
  /** An operator-run runtime (RESULTITY_RUNTIME_URL) is on the GPU but in no container of ours. */
  private externalRuntime = false;
  private nvidiaSmi: Promise<string | null> | null = null;

  constructor(
    private readonly o: GpuTriggersOptions,
    store: DisposableStore,
  ) {
    const t = o.timing ?? {};
    this.limits = new GpuLimits({
      clock: o.clock,
      pauses: o.pauses,
      readings: () => o.gpu.readings(),
      log: o.logger,
      ...(t.pauseAfterMs !== undefined ? { pauseAfterMs: t.pauseAfterMs } : {}),
      ...(t.clearAfterMs !== undefined ? { clearAfterMs: t.clearAfterMs } : {}),
    });
    o.gpu.onSample(() => this.limits.observe(), store);
    this.foreign = new ForeignGpuTrigger({
      clock: o.clock,
      pauses: o.pauses,
      listApps: () => this.listApps(),
      ownPids: o.ownPids,
      resuming: o.resuming,
      log: o.logger,
      ...(t.pollMs !== undefined ? { pollMs: t.pollMs } : {}),
      ...(t.settleMs !== undefined ? { settleMs: t.settleMs } : {}),
    });
  }

  /** The operator's settings now (at start and on every change). */
  apply(s: GpuTriggerSettings): void {
    this.limits.configure(s);
    this.wanted = s.otherGpuWork;
    void this.o.gpu.ready.then(() => this.startOrStop());
  }

  /** Each Start says whether its runtime is one the node runs in its own containers. */
  runtimeIsExternal(external: boolean): void {
    if (external && !this.externalRuntime && this.wanted) {
      this.o.logger.warn(
        'Pausing for other programs on the GPU is off while the runtime is one you run yourself: ' +
          'the node cannot tell its processes from other work.',
      );
    }
    this.externalRuntime = external;
    void this.o.gpu.ready.then(() => this.startOrStop());
  }

  dispose(): void {
    this.foreign.stop();
    this.limits.dispose();
  }

  private startOrStop(): void {
    const gpu = this.o.gpu.state().available;
    if (this.wanted && !this.externalRuntime && gpu) this.foreign.start();
    else this.foreign.stop();
    const say = this.o.availability ?? (() => undefined);
    const noGpu =
      'no NVIDIA GPU answers here (nvidia-smi is missing or failed), so there is nothing to read.';
    say(
      'foreign-gpu-process',
      !gpu
        ? noGpu
        : this.externalRuntime
          ? 'the runtime is one you run yourself (--runtime-url or RESULTITY_RUNTIME_URL), so the node cannot tell its processes from other programs.'
          : null,
    );
    say('thermal', gpu ? null : noGpu);
    const noPower =
      gpu &&
      this.o.gpu.readings().length > 0 &&
      this.o.gpu.readings().every((g) => g.powerW === null);
    say('power', !gpu ? noGpu : noPower ? 'this GPU does not report its power draw.' : null);
  }

  private async listApps() {
    const exe = await (this.nvidiaSmi ??= locateNvidiaSmi(this.o.host));
    if (!exe) return null;
    const r = await this.o.run(exe, computeAppsArgs(), LIST_TIMEOUT_MS);
    return r.exitCode === 0 ? parseComputeApps(r.stdout) : null;
  }
}

/** The GPU triggers on this machine: its nvidia-smi, its Docker engine's containers. */
export function machineGpuTriggers(
  o: Pick<GpuTriggersOptions, 'clock' | 'logger' | 'gpu'> & { pauses: PauseHost },
  store: DisposableStore,
): GpuTriggers {
  return new GpuTriggers(
    {
      ...o,
      pauses: o.pauses.controller,
      resuming: () => o.pauses.dto().phase === 'resuming',
      availability: (source, why) => o.pauses.setAvailability(source, why),
      host: nodeLocateHost(),
      run: nodeRun,
      ownPids: engineOwnedPids({ host: nodeDiscoveryHost(), clock: o.clock }),
    },
    store,
  );
}
