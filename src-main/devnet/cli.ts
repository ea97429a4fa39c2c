import { parseArgs } from 'node:util';
import { createLogger } from '../core/logger.js';
import { WorkloadInput } from './io/admin-schemas.js';
import { describeIssues } from '../core/protocol/parse.js';
import { startDevnet } from './io/devnet.js';
import { DEVNET_MODEL } from './io/default-snapshot.js';
import { VERIFIER_BACKEND } from './io/key-verifier.js';
import { loadOrCreateNetworkKey } from './io/network-key.js';
import { startSimRuntime, type SimRuntime } from './sim-runtime/index.js';

const USAGE = `Usage: npm run devnet -- [options]

Starts the local Resultity network (the reference IO service) on 127.0.0.1.

  --port <n>               port for HTTP and WebSocket (default 0: any free port)
  --host <addr>            address to bind (default 127.0.0.1)
  --admin-token <t>        bearer token for /v1/admin/* (or RESULTITY_DEVNET_ADMIN_TOKEN; default random)
  --network-key-file <p>   keep the snapshot signing key here (created 0600 if missing)
  --state-dir <dir>        keep nodes, snapshots and the job ledger across restarts
  --with-runtime           also start a simulated vLLM runtime serving ${DEVNET_MODEL.served_name}
  --runtime-port <n>       port of that runtime (default 0)
  --strict-test-check      test tasks must reproduce the simulated runtime's output exactly
  --workload k=v,...       start a synthetic workload, e.g. rate=50,duration_s=60,max_tokens=32
  --verbose                log requests the devnet refuses and its state changes
  -h, --help               this text`;

function fail(message: string): never {
  console.error(`devnet: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseWorkload(spec: string): WorkloadInput {
  const obj: Record<string, unknown> = {};
  for (const part of spec.split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    if (!k || v === undefined) fail(`--workload expects key=value pairs, got "${part}"`);
    obj[k] = k === 'models' ? v.split('+') : k === 'kind' ? v : Number(v);
  }
  const r = WorkloadInput.safeParse(obj);
  if (!r.success) fail(`--workload: ${describeIssues(r.error)}`);
  return r.data;
}

function port(value: string | undefined, name: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`${name} must be a port number (0–65535)`);
  return n;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'admin-token': { type: 'string' },
        'network-key-file': { type: 'string' },
        'state-dir': { type: 'string' },
        'with-runtime': { type: 'boolean' },
        'runtime-port': { type: 'string' },
        'strict-test-check': { type: 'boolean' },
        workload: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const workload = args.workload ? parseWorkload(args.workload) : undefined;
  const logger = createLogger(
    [
      (e) =>
        console.error(
          `${new Date(e.ts).toISOString()} ${e.level} ${e.message}${e.fields ? ' ' + JSON.stringify(e.fields) : ''}`,
        ),
    ],
    { source: 'devnet', minLevel: args.verbose ? 'debug' : 'info' },
  );
  const key = args['network-key-file']
    ? await loadOrCreateNetworkKey(args['network-key-file'])
    : undefined;
  const devnet = await startDevnet({
    host: args.host ?? '127.0.0.1',
    port: port(args.port, '--port'),
    adminToken: args['admin-token'] ?? process.env.RESULTITY_DEVNET_ADMIN_TOKEN ?? undefined,
    networkPrivateKey: key?.privateKey,
    stateDir: args['state-dir'],
    strictTestCheck: args['strict-test-check'] ?? false,
    logger,
  });
  let runtime: SimRuntime | null = null;
  if (args['with-runtime']) {
    runtime = await startSimRuntime({
      model: DEVNET_MODEL.name,
      servedModelName: DEVNET_MODEL.served_name,
      port: port(args['runtime-port'], '--runtime-port'),
    });
  }
  console.log(`Resultity devnet (local network) is running.
  network endpoint  ${devnet.url}
  WebSocket         ${devnet.wsUrl}
  network signer    ${devnet.signerAddress}   (pin this address in the node's local profile)
  admin token       ${devnet.adminToken}
  signatures        verified with ${VERIFIER_BACKEND}
  admin example     curl -H "Authorization: Bearer ${devnet.adminToken}" ${devnet.url}/v1/admin/stats`);
  if (runtime) {
    console.log(
      `  sim runtime       ${runtime.url}/v1   model ${runtime.servedModelName}   api key ${runtime.apiKey ?? '(none)'}`,
    );
  }
  if (workload) {
    devnet.core.workload.start(workload);
    console.log(`  workload          ${workload.rate} jobs/s started`);
  }
  console.log('Press Ctrl+C to stop.');
  const stop = async () => {
    await devnet.close();
    await runtime?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`devnet: could not start: ${(err as Error).message}`);
  process.exit(1);
});
