import { randomBytes } from 'node:crypto';
import { DEVNET_MODEL } from '../../../src-main/devnet/io/default-snapshot.js';
import { bundledEntry, startProcess, type ManagedProcess } from '../../helpers/processes.js';

export interface RuntimeProcess {
  proc: ManagedProcess;
  url: string;
  port: number;
  apiKey: string;
  /** Applies a simulator fault (`POST /_sim/fault`), e.g. `{ fault: 'runaway' }`. */
  fault(command: Record<string, unknown>): Promise<void>;
}

export interface RuntimeStart {
  port?: number;
  apiKey?: string;
  maxNumSeqs?: number;
  ttftMs?: number;
  tokensPerSecond?: number;
  instant?: boolean;
}

/** The simulated vLLM runtime's own CLI in a separate process, serving the devnet's model. */
export async function startRuntimeProcess(o: RuntimeStart = {}): Promise<RuntimeProcess> {
  const apiKey = o.apiKey ?? randomBytes(12).toString('hex');
  const controlToken = randomBytes(12).toString('hex');
  const args = [
    '--control-token',
    controlToken,
    '--model',
    DEVNET_MODEL.name,
    '--served-model-name',
    DEVNET_MODEL.served_name,
    '--port',
    String(o.port ?? 0),
    '--api-key',
    apiKey,
    '--max-num-seqs',
    String(o.maxNumSeqs ?? 64),
    '--warmup-ms',
    '0',
    '--disable-uvicorn-access-log',
    ...(o.instant ? ['--instant'] : []),
    ...(o.ttftMs !== undefined ? ['--ttft-ms', String(o.ttftMs)] : []),
    ...(o.tokensPerSecond !== undefined ? ['--tokens-per-second', String(o.tokensPerSecond)] : []),
  ];
  const proc = startProcess({
    name: 'sim-runtime',
    args: [await bundledEntry('sim-runtime', 'src-main/devnet/sim-runtime/cli.ts'), ...args],
  });
  const line = await proc.waitForLine(/Starting vLLM API server 0 on http:\/\/\S+/, 30_000);
  const url = /on (http:\/\/\S+)/.exec(line)![1]!;
  const fault = async (command: Record<string, unknown>) => {
    const res = await fetch(`${url}/_sim/fault`, {
      method: 'POST',
      headers: { authorization: `Bearer ${controlToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(command),
    });
    if (!res.ok)
      throw new Error(`fault ${JSON.stringify(command)} → ${res.status}: ${await res.text()}`);
  };
  return { proc, url, port: Number(new URL(url).port), apiKey, fault };
}
