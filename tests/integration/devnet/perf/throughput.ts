// Jobs per second the devnet sustains with instant nodes in another process.
// Run: npx tsx tests/integration/devnet/perf/throughput.ts [jobs=20000] [nodes=2] [concurrency=64] [rate=0] [stateDir]
// rate=0 queues every job at once (saturation); rate>0 submits that many jobs a second.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevnet } from '../../../../src-main/devnet/index.js';

const [jobs = 20_000, nodes = 2, concurrency = 64, rate = 0] = process.argv.slice(2, 6).map(Number);
// "state" as the 5th argument: persist to a temp state dir, like the benchmark's devnet process.
const stateDir =
  process.argv[6] === 'state' ? mkdtempSync(join(tmpdir(), 'devnet-tp-')) : undefined;
const devnet = await startDevnet({ stateDir });
const client = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    fileURLToPath(new URL('./instant-nodes.ts', import.meta.url)),
    devnet.url,
    devnet.wsUrl,
    String(nodes),
    String(concurrency),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise<void>((resolve) =>
  client.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()),
);
while (devnet.stats().nodes_in_rotation !== nodes) await new Promise((r) => setTimeout(r, 50));

const cpu0 = process.cpuUsage();
const t0 = performance.now();
if (rate > 0) devnet.core.workload.start({ rate, count: jobs, prompt_tokens: 64, max_tokens: 32 });
else devnet.submitJobs({ count: jobs, prompt_tokens: 64, max_tokens: 32 });
let s = devnet.stats();
while ((s.jobs_completed as number) + (s.jobs_failed as number) < jobs) {
  await new Promise((r) => setTimeout(r, 100));
  s = devnet.stats();
}
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const t = (s.timings as { assign_to_result_ms: Record<string, number> }).assign_to_result_ms;
console.log(
  JSON.stringify({
    jobs,
    nodes,
    concurrency,
    rate: rate || 'all at once',
    state_dir: Boolean(stateDir),
    completed: s.jobs_completed,
    failed: s.jobs_failed,
    reassigned: s.jobs_reassigned,
    seconds: Math.round(seconds * 100) / 100,
    jobs_per_s: Math.round(jobs / seconds),
    devnet_cpu_ms_per_job: Math.round(((cpu.user + cpu.system) / 1000 / jobs) * 1000) / 1000,
    assign_to_result_ms: { p50: t.p50, p90: t.p90, p99: t.p99 },
  }),
);
const clientCpu = new Promise<number>((resolve) =>
  client.stdout.on('data', (d: Buffer) => {
    const m = /client_cpu_ms (\d+)/.exec(d.toString());
    if (m) resolve(Number(m[1]));
  }),
);
client.kill('SIGTERM');
console.log(`client (instant nodes) CPU: ${((await clientCpu) / jobs).toFixed(3)} ms per job`);
await devnet.close();
if (stateDir) rmSync(stateDir, { recursive: true, force: true });
