import { randomBytes } from 'node:crypto';
import { bundledEntry, startProcess, type ManagedProcess } from '../../helpers/processes.js';
import { AdminClient } from './admin-client.js';

export interface DevnetProcess {
  proc: ManagedProcess;
  url: string;
  port: number;
  signer: string;
  token: string;
  admin: AdminClient;
}

export interface DevnetStart {
  /** Keeps nodes, snapshots and the job ledger across restarts. */
  stateDir: string;
  /** 0 = any free port (a restart passes the previous one). */
  port?: number;
  token?: string;
  verbose?: boolean;
  onLine?: (line: string) => void;
}

/** The devnet's own CLI (`npm run devnet`) in a separate process. */
export async function startDevnetProcess(o: DevnetStart): Promise<DevnetProcess> {
  const token = o.token ?? randomBytes(12).toString('hex');
  const proc = startProcess({
    name: 'devnet',
    args: [
      await bundledEntry('devnet', 'src-main/devnet/cli.ts'),
      '--port',
      String(o.port ?? 0),
      '--admin-token',
      token,
      '--state-dir',
      o.stateDir,
      ...(o.verbose ? ['--verbose'] : []),
    ],
    ...(o.onLine ? { onLine: o.onLine } : {}),
  });
  await proc.waitForLine(/Press Ctrl\+C to stop/, 30_000);
  const url = /network endpoint\s+(http:\/\/\S+)/.exec(proc.output(200))?.[1];
  const signer = /network signer\s+(0x[0-9a-fA-F]{40})/.exec(proc.output(200))?.[1];
  if (!url || !signer) throw new Error(`devnet printed no URL or signer:\n${proc.output()}`);
  return {
    proc,
    url,
    port: Number(new URL(url).port),
    signer,
    token,
    admin: new AdminClient(url, token),
  };
}
