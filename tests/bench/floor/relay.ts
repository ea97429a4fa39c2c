/**
 * The benchmark's floor: the least a node can do and still serve the devnet's jobs. Same
 * devnet, same runtime (streamed OpenAI requests over node:http keep-alive, each `data:` line
 * read straight from the bytes), same signing (the node identity's libsecp256k1 signer and the
 * protocol envelope); no journal, no schema checks, no partials, no stats, no dashboard. Its overhead and CPU per job are what the node's figures
 * are divided by, so they mean something on a noisy shared machine.
 *
 *   node --import tsx tests/bench/floor/relay.ts --io-url URL --runtime-url URL --api-key K --slots N
 *
 * Prints `relay ready <node id>` once its session is open.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { NodeIdentity } from '../../../src-main/core/identity/node-identity.js';
import { signEnvelope } from '../../../src-main/core/protocol/envelope.js';
import type { Job } from '../../../src-main/core/protocol/schemas/ws.js';
import { DEVNET_MODEL } from '../../../src-main/devnet/io/default-snapshot.js';

const { values: a } = parseArgs({
  options: {
    'io-url': { type: 'string' },
    'runtime-url': { type: 'string' },
    'api-key': { type: 'string' },
    slots: { type: 'string' },
  },
  strict: true,
});
const ioUrl = a['io-url']!;
const runtimeUrl = a['runtime-url']!.replace(/\/+$/, '');
const apiKey = a['api-key']!;
const slots = Number(a.slots ?? 64);

// One keep-alive pool for the runtime, as the node's OpenAIClient keeps (the devnet's runtime
// is plain http).
const runtimeAgent = new http.Agent({ keepAlive: true, maxFreeSockets: 256, timeout: 4_000 });
const DATA = Buffer.from('data: ');

const id = NodeIdentity.generate();
const clock = { now: () => Date.now() };
const envelope = (type: string, body: unknown) => signEnvelope(id, type, body, clock);

async function post(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(ioUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} → ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const hardware = {
  os: 'linux',
  arch: 'x64',
  cpu_model: 'bench floor',
  cpu_cores: 2,
  memory_total_mb: 4096,
  gpus: [],
  docker_version: null,
};

function heartbeat(inFlight: number): Promise<unknown> {
  return post(
    '/v1/nodes/heartbeat',
    envelope('heartbeat', {
      agent_version: '0.0.0-floor',
      runtime_version: 'sim',
      protocol_version: '1.0',
      state: 'active',
      state_reason: '',
      uptime_s: Math.round(process.uptime()),
      gpus: [],
      memory: { total_mb: 4096, free_mb: 2048 },
      config_digest: null,
      config_status: { state: 'ok' },
      models: { installed: [], active: [{ name: DEVNET_MODEL.served_name, revision: 'r1' }] },
      runtime: {
        kind: 'sim',
        healthy: true,
        running_requests: inFlight,
        waiting_requests: 0,
        kv_cache_usage: 0,
      },
      jobs: { in_flight: inFlight, completed_total: 0, failed_total: 0 },
    }),
  );
}

/** Streams the job from the runtime exactly as the node asks for it; returns text and usage. */
function infer(job: Job): Promise<{ text: string; finish: string; usage: Usage }> {
  const chat = job.kind === 'chat';
  const payload = JSON.stringify({
    model: job.model,
    max_tokens: job.max_tokens,
    stream: true,
    stream_options: { include_usage: true },
    ...(chat ? { messages: job.messages } : { prompt: job.prompt }),
    ...(job.temperature !== undefined ? { temperature: job.temperature } : {}),
    ...(job.seed !== undefined ? { seed: job.seed } : {}),
  });
  return new Promise((resolve, reject) => {
    let text = '';
    let finish = 'stop';
    let usage: Usage = { prompt_tokens: 0, completion_tokens: 0 };
    // The bytes of a line whose end has not come yet.
    let rest: Buffer | null = null;
    const onLine = (buf: Buffer, start: number, end: number) => {
      if (
        end - start <= DATA.length ||
        buf.compare(DATA, 0, DATA.length, start, start + DATA.length) !== 0
      )
        return;
      const json = buf.toString('utf8', start + DATA.length, end);
      if (json === '[DONE]') return;
      const chunk = JSON.parse(json) as Chunk;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      text += (chat ? choice?.delta?.content : choice?.text) ?? '';
      if (choice?.finish_reason) finish = choice.finish_reason;
    };
    const req = http.request(
      `${runtimeUrl}/v1/${chat ? 'chat/completions' : 'completions'}`,
      {
        method: 'POST',
        agent: runtimeAgent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          authorization: `Bearer ${apiKey}`,
        },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`runtime answered ${res.statusCode}`));
        }
        res.on('data', (chunk: Buffer) => {
          const buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
          rest = null;
          let start = 0;
          for (let lf = buf.indexOf(10); lf !== -1; lf = buf.indexOf(10, start)) {
            onLine(buf, start, lf);
            start = lf + 1;
          }
          if (start < buf.length) rest = buf.subarray(start);
        });
        res.on('end', () => resolve({ text, finish, usage }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

type Usage = { prompt_tokens: number; completion_tokens: number };
type Chunk = {
  usage?: Usage;
  choices?: { text?: string; delta?: { content?: string }; finish_reason?: string | null }[];
};

async function serve(ws: WebSocket, job: Job, inFlight: { n: number }): Promise<void> {
  const send = (type: string, b: unknown) => ws.send(JSON.stringify(envelope(type, b)));
  const receivedAt = Date.now();
  send('job_accept', { job_id: job.job_id });
  inFlight.n++;
  try {
    const startedAt = Date.now();
    const r = await infer(job);
    const finishedAt = Date.now();
    send('job_result', {
      job_id: job.job_id,
      model: job.model,
      status: 'completed',
      output: r.text,
      output_hash: createHash('sha256').update(r.text, 'utf8').digest('hex'),
      finish_reason: r.finish === 'length' ? 'length' : 'stop',
      usage: r.usage,
      timings: {
        received_at: receivedAt,
        started_at: startedAt,
        first_token_at: null,
        finished_at: finishedAt,
        runtime_ms: finishedAt - startedAt,
      },
      config_digest: null,
    });
  } finally {
    inFlight.n--;
  }
}

async function main(): Promise<void> {
  const reg = (await post(
    '/v1/nodes/register',
    envelope('register', {
      network: 'local',
      public_key: id.publicKey,
      owner: null,
      agent_version: '0.0.0-floor',
      hardware,
    }),
  )) as { ws_path: string };
  const inFlight = { n: 0 };
  await heartbeat(0);
  setInterval(() => void heartbeat(inFlight.n).catch(() => undefined), 5_000);
  const ws = new WebSocket(new URL(reg.ws_path, ioUrl.replace(/^http/, 'ws')).toString(), {
    perMessageDeflate: false,
  });
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as { type: string; [k: string]: unknown };
    if (f.type === 'challenge') {
      ws.send(
        JSON.stringify(
          envelope('session_open', {
            challenge: f.challenge,
            agent_version: '0.0.0-floor',
            accepting: true,
            max_concurrency: slots,
          }),
        ),
      );
    } else if (f.type === 'session_ready') {
      process.stdout.write(`relay ready ${id.nodeId}\n`);
    } else if (f.type === 'job_assign') {
      void serve(ws, f.job as Job, inFlight).catch((err: unknown) =>
        process.stderr.write(`job failed: ${String(err)}\n`),
      );
    } else if (f.type === 'ping') {
      ws.send(JSON.stringify(envelope('pong', { ping_id: f.ping_id })));
    }
  });
  ws.on('close', () => process.exit(0));
  process.on('SIGTERM', () => ws.close());
}

main().catch((err: unknown) => {
  process.stderr.write(`relay failed: ${String(err)}\n`);
  process.exit(1);
});
