import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stopAll, waitUntil } from '../../helpers/processes.js';
import { bundleAgent, startAgentProcess, type AgentProcess } from './agent-process.js';
import type { NodeView } from './admin-client.js';
import { startDevnetProcess, type DevnetProcess } from './devnet-process.js';
import { startRuntimeProcess, type RuntimeProcess, type RuntimeStart } from './runtime-process.js';

/**
 * Devnet, simulated runtime and headless node, each in its own process, wired only through
 * their ordinary command lines. The runtime can be swapped for one with other settings on the
 * same port, so the node keeps its configuration.
 */
export class Stack {
  /** Nodes other than the headless node (the floor relay), lower-case ids: node() skips them. */
  readonly ignoredNodes = new Set<string>();

  private constructor(
    readonly root: string,
    private readonly bundling: Promise<string>,
    public devnet: DevnetProcess,
    public runtime: RuntimeProcess,
    public agent: AgentProcess,
    private readonly agentOpts: StackOptions['agent'],
  ) {}

  static async start(o: StackOptions = {}): Promise<Stack> {
    const root = await mkdtemp(path.join(os.tmpdir(), o.prefix ?? 'resultity-stack-'));
    const bundling = bundleAgent();
    // Awaited below, or by agentBuilt() when it builds in the background.
    bundling.catch(() => undefined);
    try {
      const [devnet, runtime] = await Promise.all([
        startDevnetProcess({ stateDir: path.join(root, 'devnet'), ...(o.devnet ?? {}) }),
        startRuntimeProcess(o.runtime ?? {}),
      ]);
      const stack = new Stack(root, bundling, devnet, runtime, null as never, o.agent);
      if (!o.buildAgentInBackground) await stack.agentBuilt();
      if (!o.deferAgent) stack.startAgent();
      return stack;
    } catch (err) {
      await stopAll();
      await rm(root, { recursive: true, force: true });
      await bundling.then(
        (b) => rm(path.dirname(b), { recursive: true, force: true }),
        () => {},
      );
      throw err;
    }
  }

  private builtBundle: string | null = null;

  /** The bundled node (see StackOptions.buildAgentInBackground), once esbuild has written it. */
  async agentBuilt(): Promise<string> {
    this.builtBundle ??= await this.bundling;
    return this.builtBundle;
  }

  get bundle(): string {
    if (this.builtBundle === null)
      throw new Error('The node bundle is still being built: await stack.agentBuilt() first.');
    return this.builtBundle;
  }

  get admin() {
    return this.devnet.admin;
  }

  get agentDataDir(): string {
    return path.join(this.root, 'agent');
  }

  /** Starts the node (again) with the same data folder; the previous one must be gone. */
  startAgent(): AgentProcess {
    this.agent = startAgentProcess({
      bundle: this.bundle,
      dataDir: this.agentDataDir,
      ioUrl: this.devnet.url,
      networkSigner: this.devnet.signer,
      runtimeUrl: this.runtime.url,
      runtimeApiKey: this.runtime.apiKey,
      ...(this.agentOpts ?? {}),
    });
    return this.agent;
  }

  /** Replaces the runtime with one of other settings on the same port and API key. */
  async restartRuntime(o: RuntimeStart): Promise<void> {
    await this.runtime.proc.stop();
    this.runtime = await startRuntimeProcess({
      ...o,
      port: this.runtime.port,
      apiKey: this.runtime.apiKey,
    });
  }

  /**
   * Restarts the devnet on the same port and state folder (nodes and ledger kept). `kill`: end
   * the old one with SIGKILL (no chance to save anything on the way out) instead of SIGTERM.
   */
  async restartDevnet(o: { kill?: boolean } = {}): Promise<void> {
    if (o.kill) {
      this.devnet.proc.kill('SIGKILL');
      await this.devnet.proc.exited;
    } else {
      await this.devnet.proc.stop();
    }
    this.devnet = await startDevnetProcess({
      stateDir: path.join(this.root, 'devnet'),
      port: this.devnet.port,
      token: this.devnet.token,
    });
  }

  /** The headless node as the devnet sees it (the only registered one but ignoredNodes). */
  async node(): Promise<NodeView | null> {
    const s = await this.admin.stats();
    const ours = Object.values(s.nodes).filter(
      (n) => !this.ignoredNodes.has(n.node_id.toLowerCase()),
    );
    return ours[0] ?? null;
  }

  /** Waits until the devnet has the node in its rotation (active, session open, healthy). */
  async waitInRotation(timeoutMs = 30_000): Promise<NodeView> {
    return waitUntil(
      async () => {
        const n = await this.node();
        return n?.in_rotation ? n : null;
      },
      'the node to be in the devnet’s rotation',
      timeoutMs,
    );
  }

  async close(): Promise<void> {
    await this.agent?.proc.stop(15_000);
    await this.runtime?.proc.stop();
    await this.devnet?.proc.stop();
    await stopAll();
    await rm(this.root, { recursive: true, force: true });
    // The bundle's folder: the entry, its chunks and source maps.
    const bundle = await this.bundling.catch(() => null);
    if (bundle) await rm(path.dirname(bundle), { recursive: true, force: true });
  }
}

export interface StackOptions {
  prefix?: string;
  /** Start the node later with startAgent() (e.g. after publishing a snapshot). */
  deferAgent?: boolean;
  /**
   * With deferAgent: return once devnet and runtime run, the node's bundle still building
   * (await agentBuilt() before startAgent(); its CPU use disturbs anything measured meanwhile).
   */
  buildAgentInBackground?: boolean;
  devnet?: { verbose?: boolean };
  runtime?: RuntimeStart;
  agent?: {
    json?: boolean;
    logLevel?: 'debug' | 'info' | 'warn' | 'error';
    nodeFlags?: string[];
    args?: string[];
    keepJobLines?: boolean;
  };
}
