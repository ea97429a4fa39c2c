import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sleep, type Clock } from '../../core/clock.js';
import type { ModelFile } from '../../core/protocol/schemas/snapshot.js';
import type { Faults } from './faults.js';
import { HttpError } from './http-util.js';
import type { Router } from './router.js';
import type { z } from 'zod';

export interface HubFile {
  path: string;
  content: Buffer;
}

/** Where the devnet's hub serves a file: a path on the devnet's own URL. */
export function hubPath(repo: string, revision: string, file: string): string {
  return `/hub/${repo}/resolve/${revision}/${file}`;
}

/** Size of the devnet model's weights file: small, but a throttled hub takes seconds. */
const WEIGHTS_BYTES = 4 * 1024 * 1024;

let cached: HubFile[] | null = null;

/**
 * The devnet model's files, the same bytes on every run (the simulated runtime never reads
 * them; the node downloads and checks them like real weights).
 */
export function devnetModelFiles(): HubFile[] {
  if (cached) return cached;
  const weights = Buffer.alloc(WEIGHTS_BYTES);
  let block = createHash('sha256').update('resultity devnet weights').digest();
  for (let at = 0; at < WEIGHTS_BYTES; at += block.length) {
    block.copy(weights, at);
    block = createHash('sha256').update(block).digest();
  }
  cached = [
    {
      path: 'config.json',
      content: Buffer.from(
        `${JSON.stringify({ architectures: ['SimChatForCausalLM'], model_type: 'sim-chat', max_position_embeddings: 8192 }, null, 2)}\n`,
      ),
    },
    {
      path: 'tokenizer.json',
      content: Buffer.from('{"version":"1.0","model":{"type":"sim-chat"}}\n'),
    },
    { path: 'model.safetensors', content: weights },
  ];
  return cached;
}

/** The snapshot's `files` list for the devnet model at `revision` (URLs on the devnet). */
export function devnetModelFileList(repo: string, revision: string): z.infer<typeof ModelFile>[] {
  return devnetModelFiles().map((f) => ({
    path: f.path,
    sha256: createHash('sha256').update(f.content).digest('hex'),
    size: f.content.length,
    url: hubPath(repo, revision, f.path),
  }));
}

/**
 * The devnet's model hub: `GET /hub/<org>/<name>/resolve/<revision>/<file>` serves the devnet
 * model's files (any revision), with HTTP Range, and obeys the `slow_model_hub` and
 * `corrupt_model_file` faults.
 */
export function addHubRoutes(router: Router, d: { repo: string; faults: Faults; clock: Clock }) {
  router.add('GET', '/hub/:org/:name/resolve/:rev/:file', async ({ req, res, params }) => {
    const [org, name, , file] = params;
    const found = devnetModelFiles().find((f) => f.path === file);
    if (`${org}/${name}` !== d.repo || !found)
      throw new HttpError(404, 'not_found', `the hub has no file ${file} for ${org}/${name}`);
    let body = found.content;
    if (d.faults.state.corrupt_model_file?.path === found.path) {
      body = Buffer.from(body);
      body[0] = body[0]! ^ 0xff;
    }
    const rate = d.faults.state.slow_model_hub?.bytes_per_second ?? null;
    await sendFile(req, res, body, rate, (ms) => sleep(d.clock, ms));
    return undefined;
  });
}

/**
 * Answers with `body`, or its tail for `Range: bytes=N-` (206; 416 past the end), at most
 * `bytesPerSecond` fast when set.
 */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  bytesPerSecond: number | null,
  wait: (ms: number) => Promise<void>,
): Promise<void> {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  let start = 0;
  if (range) {
    start = Number(range[1]);
    if (start >= body.length) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    res.writeHead(206, {
      'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      'content-length': body.length - start,
      'accept-ranges': 'bytes',
    });
  } else res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' });
  const chunk = bytesPerSecond === null ? body.length : Math.max(1024, bytesPerSecond / 10);
  for (let at = start; at < body.length && !res.destroyed; at += chunk) {
    const part = body.subarray(at, Math.min(body.length, at + chunk));
    if (!res.write(part))
      await new Promise((r) => {
        res.once('drain', r);
        res.once('close', r);
      });
    if (bytesPerSecond !== null) await wait((part.length / bytesPerSecond) * 1000);
  }
  res.end();
}
