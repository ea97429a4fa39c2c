import type { TimerHandle } from '../../core/clock.js';
import { EngineDeadError, type SimEngine } from './engine.js';
import { FaultState, type FaultCommand } from './faults.js';
import type { ResolvedOptions } from './options.js';
import { oomAtStartLines, vllmLogLine } from './vllm-log.js';

export type Phase = 'loading' | 'ready' | 'dead';

/**
 * Where the simulated server is in its life (loading the model, serving, dead) and the faults
 * that move it: warm-up, slow start, crash, OOM at start, hang and error rate.
 */
export class SimLifecycle {
  readonly faults = new FaultState();
  private current: Phase = 'loading';
  private timers = new Set<TimerHandle>();
  private parked: Array<() => void> = [];
  private loadTimer: TimerHandle | undefined;

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly engine: SimEngine,
  ) {}

  get phase(): Phase {
    return this.current;
  }

  start(): void {
    const f = this.opts.faults;
    if (f.hang) this.apply({ fault: 'hang' });
    if (f.errorRate !== undefined) this.faults.errorRate = f.errorRate;
    this.info('gpu_model_runner.py:2602', `Starting to load model ${this.opts.model}...`);
    const loaded = () => {
      if (f.oomAtStart) return this.oomAtStart();
      this.becomeReady();
      if (f.crashAfterMs !== undefined) this.later(f.crashAfterMs, () => this.crash());
    };
    const warmupMs = f.slowStartMs ?? this.opts.warmupMs;
    // No warm-up: ready before the caller gets the server, so tests need not poll.
    if (warmupMs === 0) loaded();
    else this.loadTimer = this.later(warmupMs, loaded);
  }

  apply(cmd: FaultCommand): void {
    switch (cmd.fault) {
      case 'crash':
        return this.crash();
      case 'hang':
        this.faults.hang = true;
        this.engine.pause();
        return;
      case 'slow-start':
        if (this.current === 'dead') return;
        this.current = 'loading';
        if (this.loadTimer !== undefined) this.cancel(this.loadTimer);
        this.loadTimer = this.later(cmd.durationMs, () => this.becomeReady());
        return;
      case 'oom-at-start':
        throw new Error(
          'oom-at-start happens while the engine starts: launch with --fault oom-at-start',
        );
      case 'error-rate':
        this.faults.errorRate = cmd.rate;
        return;
      case 'lone-surrogate':
        this.faults.loneSurrogate = true;
        return;
      case 'runaway':
        this.faults.runaway = true;
        return;
      case 'metrics-hang':
        this.faults.metricsHang = true;
        return;
      case 'clear': {
        this.faults.clear();
        this.engine.resume();
        const parked = this.parked;
        this.parked = [];
        for (const resume of parked) resume();
        return;
      }
    }
  }

  /** While hung, requests wait here unanswered; `clear` lets them through. */
  park(resume: () => void): void {
    this.parked.push(resume);
  }

  crash(): void {
    if (this.current === 'dead') return;
    this.current = 'dead';
    const error = new EngineDeadError();
    this.engine.crash(error);
    const err = (where: string, msg: string) =>
      this.opts.log(vllmLogLine('EngineCore_DP0', 'ERROR', where, msg));
    err('core.py:710', 'EngineCore encountered a fatal error.');
    err('core.py:710', 'RuntimeError: CUDA error: an illegal memory access was encountered');
    this.opts.log(
      vllmLogLine('APIServer', 'ERROR', 'async_llm.py:480', 'AsyncLLM output_handler failed.'),
    );
    this.opts.log(
      vllmLogLine(
        'APIServer',
        'ERROR',
        'core_client.py:564',
        'Engine core proc EngineCore_DP0 died unexpectedly, shutting down client.',
      ),
    );
    this.opts.onFatal?.(1, 'crash');
  }

  close(): void {
    for (const t of this.timers) this.opts.clock.clearTimeout(t);
    this.timers.clear();
    this.parked = [];
  }

  private becomeReady(): void {
    this.loadTimer = undefined;
    if (this.current === 'dead') return;
    this.current = 'ready';
    const tokens = (this.opts.numGpuBlocks * 16).toLocaleString('en-US');
    const concurrency = (this.opts.numGpuBlocks * 16) / this.opts.maxModelLen;
    this.info('kv_cache_utils.py:1087', `GPU KV cache size: ${tokens} tokens`);
    this.info(
      'kv_cache_utils.py:1091',
      `Maximum concurrency for ${this.opts.maxModelLen.toLocaleString('en-US')} tokens per ` +
        `request: ${concurrency.toFixed(2)}x`,
    );
    this.info('api_server.py:1634', "Supported_tasks: ['generate']");
    this.opts.log(`(APIServer pid=${process.pid}) INFO:     Application startup complete.`);
  }

  private oomAtStart(): void {
    this.current = 'dead';
    this.engine.crash(new EngineDeadError('Engine core initialization failed.'));
    for (const line of oomAtStartLines(this.opts.gpuMemoryUtilization)) this.opts.log(line);
    this.opts.onFatal?.(1, 'oom-at-start');
  }

  private later(ms: number, fn: () => void): TimerHandle {
    const handle = this.opts.clock.setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
    return handle;
  }

  private cancel(handle: TimerHandle): void {
    this.opts.clock.clearTimeout(handle);
    this.timers.delete(handle);
  }

  private info(where: string, message: string): void {
    this.opts.log(vllmLogLine('EngineCore_DP0', 'INFO', where, message));
  }
}
