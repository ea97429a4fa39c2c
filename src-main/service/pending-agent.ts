import type {
  GpuStateDto,
  NodeStateDto,
  NetworkName,
  SettingsDto,
  SetupCheckDto,
} from '../contract/index.js';
import type { AgentFacade } from './agent-facade.js';

const REASON =
  'This build of the app does not include the node agent yet, so the node cannot start. ' +
  'Install a newer build of Resultity Node.';

/**
 * Stands in for the agent until the agent core is wired into the hosts (desktop main.ts and
 * the headless CLI): the dashboard opens and says plainly why the node cannot start.
 */
export class PendingAgent implements AgentFacade {
  private network: NetworkName;

  constructor(
    network: NetworkName,
    private readonly keyProtection: NodeStateDto['keyProtection'],
    private readonly now: () => number = Date.now,
  ) {
    this.network = network;
  }

  state(): NodeStateDto {
    return {
      state: 'not_initialised',
      reason: REASON,
      since: this.now(),
      nodeId: null,
      network: this.network,
      owner: null,
      startedAt: null,
      runtime: { kind: 'none', state: 'stopped', detail: REASON, simulated: false },
      config: { digest: null, serial: null, status: 'none' },
      keyProtection: this.keyProtection,
    };
  }
  onState = () => () => undefined;
  async start(): Promise<void> {
    throw new Error(REASON);
  }
  async stop(): Promise<void> {}
  onJobEvent = () => () => undefined;
  counters() {
    return { in_flight: 0, completed_total: 0, failed_total: 0 };
  }
  onLog = () => () => undefined;
  gpu(): GpuStateDto {
    return { available: false, reason: REASON, gpus: [] };
  }
  onGpu = () => () => undefined;
  onGpuSamples = () => () => undefined;
  models() {
    return [];
  }
  onModels = () => () => undefined;
  onProgress = () => () => undefined;
  async checkSetup(): Promise<SetupCheckDto[]> {
    return [{ id: 'agent', label: 'Node agent', state: 'fail', detail: REASON }];
  }
  async bindAccount(): Promise<void> {
    throw new Error(REASON);
  }
  async exportKeyBackup(): Promise<string> {
    throw new Error(REASON);
  }
  applySettings(settings: SettingsDto): void {
    this.network = settings.network;
  }
}
