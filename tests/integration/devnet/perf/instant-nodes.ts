// Load-generating nodes for the throughput measurement: each registers, passes the test task,
// heartbeats, then accepts and answers every job at once with a fixed output. Run as a child
// process by throughput.ts: npx tsx instant-nodes.ts <url> <wsUrl> <nodes> <maxConcurrency>
import { Wallet } from 'ethers';
import { sha256Hex } from '../../../../src-main/core/protocol/canonical.js';
import type { Job } from '../../../../src-main/core/protocol/schemas/ws.js';
import { TestNode } from '../node-client.js';
import { fastSigner } from './fast-signer.js';

const [url, wsUrl, count = '2', concurrency = '64'] = process.argv.slice(2);
const OUTPUT = 'The quiet river carries light over stone.';
const HASH = sha256Hex(OUTPUT);

async function startNode(): Promise<void> {
  const pk = Wallet.createRandom().privateKey;
  const node = new TestNode(url!, pk, fastSigner(pk));
  await node.register();
  const session = await node.connect(wsUrl!, { maxConcurrency: Number(concurrency) });
  await session.serveNext();
  await session.next('node_status');
  await node.heartbeat();
  setInterval(() => void node.heartbeat(), 5000).unref();
  session.ws.on('message', (data) => {
    const text = data.toString();
    if (!text.includes('"job_assign"')) return;
    const job = (JSON.parse(text) as { job: Job }).job;
    session.send('job_accept', { job_id: job.job_id });
    const now = Date.now();
    session.send('job_result', {
      job_id: job.job_id,
      model: job.model,
      status: 'completed',
      output: OUTPUT,
      output_hash: HASH,
      finish_reason: 'stop',
      usage: { prompt_tokens: 64, completion_tokens: 9 },
      timings: {
        received_at: now,
        started_at: now,
        first_token_at: now,
        finished_at: now,
        runtime_ms: 0,
      },
      config_digest: null,
    });
  });
}

await Promise.all(Array.from({ length: Number(count) }, startNode));
console.log('ready');
const cpu0 = process.cpuUsage();
process.on('SIGTERM', () => {
  const c = process.cpuUsage(cpu0);
  console.log(`client_cpu_ms ${Math.round((c.user + c.system) / 1000)}`);
  process.exit(0);
});
