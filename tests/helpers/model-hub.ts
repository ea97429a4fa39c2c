import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApprovedModel } from '../../src-main/core/protocol/schemas/snapshot.js';
import { hubPath, sendFile } from '../../src-main/devnet/io/model-hub.js';

/** A local stand-in for the Hugging Face hub: Range support, a request log, switchable corruption. */
export interface TestModelHub {
  url: string;
  requests: Array<{ path: string; range: string | undefined }>;
  /** Files served with their first byte flipped (by path inside the model folder). */
  corrupt: Set<string>;
  /** The approved model whose files (absolute URLs on this hub) it serves. */
  model(served: string, repo: string, revision: string): ApprovedModel;
  close(): Promise<void>;
}

export async function startTestModelHub(files: Record<string, Buffer>): Promise<TestModelHub> {
  const requests: TestModelHub['requests'] = [];
  const corrupt = new Set<string>();
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    requests.push({ path: url, range: req.headers.range });
    const file = /\/resolve\/[^/]+\/(.+)$/.exec(url)?.[1] ?? '';
    let body = files[file];
    if (!body) return void res.writeHead(404).end('Entry not found');
    if (corrupt.has(file)) {
      body = Buffer.from(body);
      body[0] = body[0]! ^ 0xff;
    }
    void sendFile(req, res, body, null, async () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    corrupt,
    model: (served, repo, revision) => ({
      name: repo,
      served_name: served,
      revision,
      max_model_len: 4096,
      min_vram_mb: 0,
      default: true,
      files: Object.entries(files).map(([p, content]) => ({
        path: p,
        sha256: createHash('sha256').update(content).digest('hex'),
        size: content.length,
        url: `${url}${hubPath(repo, revision, p)}`,
      })),
    }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
