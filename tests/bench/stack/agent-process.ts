import { bundleHeadlessCli, startProcess, type ManagedProcess } from '../../helpers/processes.js';

/** One `--json` line of the headless node (type started | state | log | job | jobs | exit). */
export interface AgentLine {
  type: string;
  ts: number;
  state?: string;
  reason?: string;
  level?: string;
  source?: string;
  message?: string;
  kind?: string;
  jobId?: string;
  code?: number;
  nodeId?: string;
  [extra: string]: unknown;
}

export interface AgentProcess {
  proc: ManagedProcess;
  /** Every JSON line so far (only with json: true). */
  lines: AgentLine[];
  /** The latest `state` line. */
  state(): AgentLine | null;
  waitForState(name: string | RegExp, timeoutMs?: number): Promise<AgentLine>;
}

export interface AgentStart {
  /** The bundled headless CLI (see bundleAgent). */
  bundle: string;
  dataDir: string;
  ioUrl: string;
  networkSigner: string;
  runtimeUrl: string;
  runtimeApiKey: string;
  /** One JSON event per line (state, log, job…); off in the benchmark to keep stdout quiet. */
  json?: boolean;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=…'] (before the script). */
  nodeFlags?: string[];
  /** Extra command-line flags of the node, e.g. ['--ops-port', '0'] (after its own). */
  args?: string[];
  /** Keep every job line (the fault suite counts them); default false. */
  keepJobLines?: boolean;
}

/** The headless node exactly as an operator runs it (`resultity-node`), bundled like `npm start`. */
export function bundleAgent(): Promise<string> {
  return bundleHeadlessCli('headless-cli');
}

/**
 * Starts the headless node on the `local` profile, pointed at a devnet that runs elsewhere
 * (its URL and pinned signer) and at an external runtime: its ordinary configuration surface.
 */
export function startAgentProcess(o: AgentStart): AgentProcess {
  const lines: AgentLine[] = [];
  let last: AgentLine | null = null;
  const proc = startProcess({
    name: 'agent',
    args: [
      ...(o.nodeFlags ?? []),
      o.bundle,
      '--profile',
      'local',
      '--io-url',
      o.ioUrl,
      '--network-signer',
      o.networkSigner,
      '--runtime-url',
      o.runtimeUrl,
      '--data-dir',
      o.dataDir,
      '--log-level',
      o.logLevel ?? 'info',
      ...(o.json ? ['--json'] : []),
      ...(o.args ?? []),
    ],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RESULTITY_RUNTIME_API_KEY: o.runtimeApiKey,
      // A fixed passphrase: a restarted node must open the same key file.
      RESULTITY_KEY_PASSPHRASE: 'bench-and-fault-suite',
    },
    onLine: (line, stream) => {
      if (!o.json || stream !== 'stdout' || !line.startsWith('{')) return;
      let parsed: AgentLine;
      try {
        parsed = JSON.parse(line) as AgentLine;
      } catch {
        return;
      }
      if (parsed.type === 'state') last = parsed;
      if (parsed.type !== 'job' || o.keepJobLines) lines.push(parsed);
    },
  });
  return {
    proc,
    lines,
    state: () => last,
    waitForState: async (name, timeoutMs = 20_000) => {
      const match = (s: string | undefined) =>
        s !== undefined && (typeof name === 'string' ? s === name : name.test(s));
      const current = last as AgentLine | null;
      if (current && match(current.state)) return current;
      const line = await proc.waitForNextLine(
        (l) => l.startsWith('{"type":"state"') && match((JSON.parse(l) as AgentLine).state),
        timeoutMs,
      );
      return JSON.parse(line) as AgentLine;
    },
  };
}
