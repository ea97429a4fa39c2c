import { EventEmitter } from 'node:events';
import type { AgentState } from '../../../src-main/core/agent/state-machine.js';
import type { JobEvent } from '../../../src-main/core/jobs/job-engine-api.js';
import type { RuntimeStatus } from '../../../src-main/core/runtime/runtime.js';
import type { NodeRun } from '../../../src-main/service/agent-host.js';

/** A stand-in for one core Agent run: starts once, like the real one. */
export class FakeRun implements NodeRun {
  started = 0;
  closed: (string | number | undefined)[] = [];
  private st: AgentState = {
    name: 'not_initialised',
    reason: 'the node has not started yet',
    since: 0,
  };
  private readonly ev = new EventEmitter();
  private readonly counts = { in_flight: 0, completed_total: 0, failed_total: 0 };
  rt: RuntimeStatus = {
    kind: 'sim',
    state: 'ready',
    detail: 'ok',
    version: null,
    servedModels: ['qwen'],
    simulated: true,
  };
  readonly config = Object.assign(new EventEmitter(), {
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
  });
  agent = {
    nodeId: '0xNODE',
    state: () => this.st,
    subscribe: (l: (s: AgentState, p: AgentState) => void) => {
      this.ev.on('state', l);
      return () => this.ev.off('state', l);
    },
    start: async () => {
      if (this.started++) throw new Error('already started');
      this.set('registering', 'registering with the network');
    },
    stop: async () => this.set('stopped', 'stopped by the operator'),
    counters: () => this.counts,
    onJobEvent: (l: (e: JobEvent) => void) => {
      this.ev.on('job', l);
      return () => this.ev.off('job', l);
    },
    configStatus: () => ({ state: 'ok' as const }),
    config: this.config,
  } as unknown as NodeRun['agent'];
  runtime = {
    kind: 'sim',
    status: () => this.rt,
    onStatus: (l: (s: RuntimeStatus) => void) => {
      this.ev.on('rt', l);
      return () => this.ev.off('rt', l);
    },
  };
  set(name: AgentState['name'], reason: string) {
    const prev = this.st;
    this.st = { name, reason, since: 1 };
    this.ev.emit('state', this.st, prev);
  }
  job(e: JobEvent) {
    if (e.kind === 'completed') this.counts.completed_total++;
    this.ev.emit('job', e);
  }
  async close(reason?: string, ms?: number) {
    this.closed.push(reason, ms);
    await this.agent.stop();
  }
}
