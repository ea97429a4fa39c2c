import type {
  GpuSampleDto,
  GpuStateDto,
  ModelDto,
  NodeStateDto,
  OwnerBinding,
  ProgressDto,
  SettingsDto,
  SetupCheckDto,
} from '../../../src-main/contract/index.js';
import { Emitter } from '../../../src-main/core/base/event.js';
import { defaultPauseWhen } from '../../../src-main/service/pause-triggers-settings.js';
import type { JobEvent } from '../../../src-main/core/jobs/job-engine-api.js';
import type { LogEntry } from '../../../src-main/core/logger.js';
import type {
  AgentFacade,
  HostActions,
  ImportKeyRequest,
} from '../../../src-main/service/agent-facade.js';
import { surfaceListenerErrors } from '../../helpers/listener-errors.js';

function emitter<T>() {
  const e = new Emitter<T>(surfaceListenerErrors);
  return {
    on: e.event,
    emit: (value: T) => e.fire(value),
    get count() {
      return e.listenerCount;
    },
  };
}

export function nodeState(partial: Partial<NodeStateDto> = {}): NodeStateDto {
  return {
    state: 'stopped',
    reason: 'The node is stopped.',
    since: 0,
    nodeId: '0xabc',
    network: 'local',
    owner: null,
    startedAt: null,
    runtime: { kind: 'sim', state: 'stopped', detail: '', simulated: true },
    config: { digest: null, serial: null, status: 'none' },
    keyProtection: { kind: 'file', summary: 'A passphrase file outside the data folder.' },
    ...partial,
  };
}

/** An agent that records calls and lets the test emit whatever the real one would. */
export class FakeAgent implements AgentFacade {
  current = nodeState();
  countersValue = { in_flight: 0, completed_total: 0, failed_total: 0 };
  gpuValue: GpuStateDto = { available: false, reason: 'No NVIDIA GPU found.', gpus: [] };
  modelsValue: ModelDto[] = [];
  setupResult: SetupCheckDto[] = [
    { id: 'docker', label: 'Docker', state: 'pass', detail: 'Docker 27 is running.' },
  ];
  calls: string[] = [];
  applied: SettingsDto[] = [];
  bound: (OwnerBinding | null)[] = [];
  failStart: Error | null = null;
  stopGate: Promise<void> = Promise.resolve();

  readonly stateEv = emitter<NodeStateDto>();
  readonly jobEv = emitter<JobEvent>();
  readonly logEv = emitter<LogEntry>();
  readonly gpuEv = emitter<GpuStateDto>();
  readonly samplesEv = emitter<GpuSampleDto[]>();
  readonly modelsEv = emitter<ModelDto[]>();
  readonly progressEv = emitter<ProgressDto>();

  state() {
    return this.current;
  }
  setState(partial: Partial<NodeStateDto>) {
    this.current = { ...this.current, ...partial };
    this.stateEv.emit(this.current);
  }
  onState = this.stateEv.on;
  async start() {
    this.calls.push('start');
    if (this.failStart) throw this.failStart;
    this.setState({ state: 'registering', reason: 'Registering with the network.' });
  }
  async stop(drainTimeoutMs: number) {
    this.calls.push(`stop:${drainTimeoutMs}`);
    await this.stopGate;
    this.setState({ state: 'stopped', reason: 'Stopped by you.' });
  }
  onJobEvent = this.jobEv.on;
  counters() {
    return this.countersValue;
  }
  onLog = this.logEv.on;
  gpu() {
    return this.gpuValue;
  }
  onGpu = this.gpuEv.on;
  onGpuSamples = this.samplesEv.on;
  models() {
    return this.modelsValue;
  }
  onModels = this.modelsEv.on;
  onProgress = this.progressEv.on;
  async checkSetup() {
    this.calls.push('checkSetup');
    return this.setupResult;
  }
  walletBindingMessage(address: string) {
    return `message for ${address}`;
  }
  async bindWallet(message: string, signature: string) {
    this.calls.push(`bindWallet:${signature}`);
    const address = message.replace('message for ', '');
    this.bound.push({ kind: 'wallet', address });
    this.setState({ owner: { kind: 'wallet', address } });
  }
  async requestEmailCode(email: string) {
    this.bound.push({ kind: 'email', email });
    this.setState({ owner: { kind: 'email', email } });
  }
  async confirmEmailCode(code: string) {
    this.calls.push(`confirmEmailCode:${code}`);
  }
  async backupKey(passphrase: string) {
    this.calls.push(`backup:${passphrase.length}`);
    return { nodeId: '0xabc0000000', content: '{"version":3}' };
  }
  imports: ImportKeyRequest[] = [];
  async importKey(request: ImportKeyRequest) {
    this.imports.push(request);
    return { nodeId: '0xdef', outcome: 'imported' as const };
  }
  applySettings(settings: SettingsDto) {
    this.applied.push(settings);
  }
  restartsRuntime?: (prev: SettingsDto, next: SettingsDto) => boolean;
}

export function fakeHost(dir: string): HostActions & { opened: string[]; changed: SettingsDto[] } {
  const opened: string[] = [];
  const changed: SettingsDto[] = [];
  return {
    kind: 'headless',
    appVersion: '0.1.0-test',
    exportDir: dir,
    logsDir: `${dir}/logs`,
    opened,
    changed,
    openFolder: async (p) => {
      opened.push(p);
    },
    onSettingsChanged: (s) => changed.push(s),
  };
}

export const defaultSettings: SettingsDto = {
  network: 'local',
  customNetwork: null,
  dataDir: '/tmp/resultity-test',
  launchAtLogin: false,
  keepAwake: false,
  autoUpdate: true,
  maxConcurrentJobs: null,
  gpuMemoryHeadroomMb: 1024,
  modelDiskBudgetGb: null,
  theme: 'system',
  pauseWhen: defaultPauseWhen('desktop'),
};
