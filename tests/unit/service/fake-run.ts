import type { AgentState, AgentStateChange } from '../../../src-main/core/agent/state-machine.js';
import { Emitter } from '../../../src-main/core/base/event.js';
import type { JobEvent } from '../../../src-main/core/jobs/job-engine-api.js';
import type { RuntimeStatus } from '../../../src-main/core/runtime/runtime.js';
import type { NodeRun } from '../../../src-main/service/agent-host.js';
import { surfaceListenerErrors } from '../../helpers/listener-errors.js';

/** A stand-in for one core Agent run: starts once, like the real one. */
export class FakeRun implements NodeRun {
  started = 0;
  closed: (string | number | undefined)[] = [];
  private st: AgentState = {
    name: 'not_initialised',
    reason: 'the node has not started yet',
    since: 0,
  };
  private readonly stateEvents = new Emitter<AgentStateChange>(surfaceListenerErrors);
  private readonly jobEvents = new Emitter<JobEvent>(surfaceListenerErrors);
  private readonly runtimeEvents = new Emitter<RuntimeStatus>(surfaceListenerErrors);
  /** Fire to play the config sync's "applied" event. */
  readonly applied = new Emitter<unknown>(surfaceListenerErrors);
  private readonly counts = { in_flight: 0, completed_total: 0, failed_total: 0 };
  rt: RuntimeStatus = {
    kind: 'sim',
    state: 'ready',
    detail: 'ok',
    version: null,
    servedModels: ['qwen'],
    simulated: true,
  };
  readonly config = {
    onApplied: this.applied.event,
    onStatus: new Emitter<unknown>().event,
    snapshot: () => ({
      digest: 'sha256:abc',
      snapshot: {
        serial: 7,
        models: [
          {
            name: 'Qwen/Q',
            served_name: 'qwen',
            revision: 'r1',
            files: [{ size: 10 }, { size: 5 }],
          },
        ],
      },
    }),
  };
  agent = {
    nodeId: '0xNODE',
    state: () => this.st,
    onStateChange: this.stateEvents.event,
    start: async () => {
      if (this.started++) throw new Error('already started');
      this.set('registering', 'registering with the network');
    },
    stop: async () => this.set('stopped', 'stopped by the operator'),
    counters: () => this.counts,
    onJobEvent: this.jobEvents.event,
    configStatus: () => ({ state: 'ok' as const }),
    config: this.config,
  } as unknown as NodeRun['agent'];
  runtime = {
    kind: 'sim',
    status: () => this.rt,
    onStatus: this.runtimeEvents.event,
  };
  /** Set by a test to answer owner claims. */
  sendOwnerClaim?: NodeRun['sendOwnerClaim'];
  set(name: AgentState['name'], reason: string) {
    const prev = this.st;
    this.st = { name, reason, since: 1 };
    this.stateEvents.fire({ state: this.st, previous: prev });
  }
  job(e: JobEvent) {
    if (e.kind === 'completed') this.counts.completed_total++;
    this.jobEvents.fire(e);
  }
  async close(reason?: string, ms?: number) {
    this.closed.push(reason, ms);
    await this.agent.stop();
  }
}
