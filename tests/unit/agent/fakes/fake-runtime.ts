import { Emitter } from '../../../../src-main/core/base/event.js';
import { surfaceListenerErrors } from '../../../helpers/listener-errors.js';
import type {
  InferenceResult,
  Runtime,
  RuntimeMetrics,
  RuntimePlan,
  RuntimeStatus,
} from '../../../../src-main/core/runtime/runtime.js';

/** A Runtime that records plans and can be told to fail or report a state. */
export class FakeRuntime implements Runtime {
  readonly kind = 'fake';
  readonly plans: RuntimePlan[] = [];
  failApply: string | null = null;
  metricsValue: RuntimeMetrics = {
    running: 2,
    waiting: 1,
    kvCacheUsage: 0.25,
    timeToFirstTokenSeconds: null,
    generationTokensTotal: 10,
  };
  private current: RuntimeStatus = {
    kind: 'fake',
    state: 'ready',
    detail: 'ready',
    version: '0.0.1-fake',
    servedModels: [],
    simulated: true,
  };
  private readonly statusChanged = new Emitter<RuntimeStatus>(surfaceListenerErrors);
  readonly onStatus = this.statusChanged.event;

  async apply(plan: RuntimePlan): Promise<void> {
    if (this.failApply) throw new Error(this.failApply);
    this.plans.push(plan);
    this.setStatus({ servedModels: [plan.model.servedName] });
  }

  async stop(): Promise<void> {
    this.setStatus({ state: 'stopped' });
  }

  status(): RuntimeStatus {
    return this.current;
  }

  async metrics(): Promise<RuntimeMetrics> {
    return this.metricsValue;
  }

  async infer(): Promise<InferenceResult> {
    throw new Error('FakeRuntime does not infer');
  }

  setStatus(patch: Partial<RuntimeStatus>): void {
    this.current = { ...this.current, ...patch };
    this.statusChanged.fire(this.current);
  }
}
