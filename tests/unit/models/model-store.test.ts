import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src-main/core/clock.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import type { ApprovedModel } from '../../../src-main/core/protocol/schemas/snapshot.js';
import type { TransferProgress } from '../../../src-main/core/runtime/docker/transfer-progress.js';
import { ModelError } from '../../../src-main/core/runtime/models/model-errors.js';
import {
  ModelStore,
  type ModelStoreOptions,
} from '../../../src-main/core/runtime/models/model-store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const weights = randomBytes(600 * 1024);
const config = Buffer.from(
  JSON.stringify({ architectures: ['Qwen3ForCausalLM'], hidden_size: 1024 }),
);
const tokenizer = Buffer.from('{"version":"1.0","model":{"type":"BPE"}}');
const REPO = 'org/tiny-model';

const model: ApprovedModel = {
  name: REPO,
  served_name: 'tiny',
  revision: 'main',
  max_model_len: 2048,
  min_vram_mb: 1000,
  files: [
    { path: 'config.json', sha256: sha(config), size: config.length },
    { path: 'model.safetensors', sha256: sha(weights), size: weights.length },
    { path: 'tokenizer/tokenizer.json', sha256: sha(tokenizer), size: tokenizer.length },
  ],
};

/** A Hugging-Face-like file server with Range support and switchable faults. */
interface Server {
  url: string;
  requests: Array<{ path: string; range: string | undefined }>;
  /** Cut the connection after this many body bytes, once per file path. */
  dropAfter: Map<string, number>;
  /** Serve these bytes instead of the real ones. */
  corrupt: Map<string, Buffer>;
  ignoreRange: boolean;
  close(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const files = new Map<string, Buffer>([
    [`/${REPO}/resolve/main/config.json`, config],
    [`/${REPO}/resolve/main/model.safetensors`, weights],
    [`/${REPO}/resolve/main/tokenizer/tokenizer.json`, tokenizer],
  ]);
  const s: Omit<Server, 'url' | 'close'> = {
    requests: [],
    dropAfter: new Map(),
    corrupt: new Map(),
    ignoreRange: false,
  };
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(req.url ?? '');
    s.requests.push({ path: p, range: req.headers.range });
    const body = s.corrupt.get(p) ?? files.get(p);
    if (!body) return res.writeHead(404).end('Entry not found');
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (m && !s.ignoreRange) {
      start = Number(m[1]);
      if (start >= body.length) return res.writeHead(416).end();
      res.writeHead(206, {
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'content-length': body.length - start,
      });
    } else res.writeHead(200, { 'content-length': body.length });
    const part = body.subarray(start);
    const drop = s.dropAfter.get(p);
    if (drop !== undefined) {
      s.dropAfter.delete(p);
      res.write(part.subarray(0, drop), () => res.destroy());
      return;
    }
    res.end(part);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(s, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }) as Server;
}

describe('ModelStore', () => {
  let server: Server;
  let dir: string;
  let hfHome: string;
  let quarantine: string;
  let snapshot: string;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-models-'));
    hfHome = path.join(dir, 'hf');
    quarantine = path.join(dir, 'quarantine');
    snapshot = path.join(hfHome, 'hub', 'models--org--tiny-model', 'snapshots', 'main');
    server.requests.length = 0;
    server.dropAfter.clear();
    server.corrupt.clear();
    server.ignoreRange = false;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const store = (over: Partial<ModelStoreOptions> = {}) =>
    new ModelStore({
      hfHome,
      quarantineDir: quarantine,
      downloader: { baseUrl: server.url },
      clock: systemClock,
      logger: silentLogger,
      retryBaseMs: 1,
      progressIntervalMs: 0,
      ...over,
    });

  it('downloads into the Hugging Face cache layout and counts as installed only after every hash matched', async () => {
    const s = store();
    expect(await s.isInstalled(model)).toBe(false);
    const progress: TransferProgress[] = [];
    await s.install(model, { onProgress: (p) => progress.push(p) });
    expect(await readFile(path.join(snapshot, 'model.safetensors'))).toEqual(weights);
    expect(await readFile(path.join(snapshot, 'tokenizer', 'tokenizer.json'))).toEqual(tokenizer);
    expect(
      await readFile(path.join(hfHome, 'hub', 'models--org--tiny-model', 'refs', 'main'), 'utf8'),
    ).toBe('main');
    expect(await s.isInstalled(model)).toBe(true);
    const total = weights.length + config.length + tokenizer.length;
    expect(
      progress.some((p) => p.state === 'running' && p.bytesDone > 0 && p.bytesDone < total),
    ).toBe(true);
    expect(progress.at(-1)).toMatchObject({
      state: 'done',
      bytesDone: total,
      bytesTotal: total,
      kind: 'model_download',
    });
    expect(await s.list([model], ['tiny'])).toEqual([
      expect.objectContaining({
        servedName: 'tiny',
        installed: true,
        active: true,
        verification: 'verified',
        sizeBytes: total,
      }),
    ]);
    // Installed: a second install fetches nothing.
    const before = server.requests.length;
    await s.install(model);
    expect(server.requests.length).toBe(before);
  });

  it('resumes an interrupted download with an HTTP Range request', async () => {
    const p = `/${REPO}/resolve/main/model.safetensors`;
    server.dropAfter.set(p, 200 * 1024);
    await store().install(model);
    const tries = server.requests.filter((r) => r.path === p);
    expect(tries).toHaveLength(2);
    expect(tries[0]?.range).toBeUndefined();
    const resumedFrom = Number(/bytes=(\d+)-/.exec(tries[1]?.range ?? '')?.[1]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThan(weights.length);
    expect(await readFile(path.join(snapshot, 'model.safetensors'))).toEqual(weights);
  });

  it('resumes from a .partial file left by an earlier run', async () => {
    await mkdir(snapshot, { recursive: true });
    await writeFile(path.join(snapshot, 'model.safetensors.partial'), weights.subarray(0, 250_000));
    const progress: TransferProgress[] = [];
    await store().install(model, { onProgress: (x) => progress.push(x) });
    const req = server.requests.find((r) => r.path.endsWith('model.safetensors'));
    expect(req?.range).toBe('bytes=250000-');
    expect(progress[0]!.bytesDone).toBeGreaterThanOrEqual(250_000);
    expect(await store().isInstalled(model)).toBe(true);
  });

  it('starts over when the server ignores Range', async () => {
    await mkdir(snapshot, { recursive: true });
    await writeFile(path.join(snapshot, 'model.safetensors.partial'), weights.subarray(0, 250_000));
    server.ignoreRange = true;
    await store().install(model);
    expect(await readFile(path.join(snapshot, 'model.safetensors'))).toEqual(weights);
  });

  it('quarantines a file whose SHA-256 differs and reports the mismatch', async () => {
    const bad = Buffer.from(weights);
    bad[1000] = bad[1000]! ^ 0xff;
    server.corrupt.set(`/${REPO}/resolve/main/model.safetensors`, bad);
    const s = store();
    const err = await s.install(model).catch((e) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err).toMatchObject({ code: 'mismatch', files: ['model.safetensors'] });
    expect(await s.isInstalled(model)).toBe(false);
    expect(existsSync(path.join(snapshot, 'model.safetensors'))).toBe(false);
    const [folder] = await readdir(quarantine);
    expect(folder).toBe('tiny@main');
    const [moved] = await readdir(path.join(quarantine, folder!));
    expect(await readFile(path.join(quarantine, folder!, moved!))).toEqual(bad);
    expect((await s.list([model]))[0]).toMatchObject({
      verification: 'mismatch',
      installed: false,
    });
    // The next attempt downloads the file again (now good) and installs.
    server.corrupt.clear();
    await s.install(model);
    expect(await s.isInstalled(model)).toBe(true);
  });

  it('stops a file that is larger than the configuration says, keeps none of it and does not retry', async () => {
    const path_ = `/${REPO}/resolve/main/model.safetensors`;
    server.corrupt.set(path_, Buffer.concat([weights, Buffer.alloc(4096)]));
    const s = store();
    const err = await s.install(model).catch((e) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err).toMatchObject({ code: 'download_failed' });
    expect(err.detail).toMatch(/sent more than the expected 614400 bytes/);
    expect(server.requests.filter((r) => r.path === path_)).toHaveLength(1);
    expect(existsSync(path.join(snapshot, 'model.safetensors'))).toBe(false);
    expect(existsSync(path.join(snapshot, 'model.safetensors.partial'))).toBe(false);
    expect(await s.isInstalled(model)).toBe(false);
  });

  it('catches a file changed after install when verified again', async () => {
    const s = store();
    await s.install(model);
    await writeFile(path.join(snapshot, 'config.json'), '{"tampered":true}');
    await expect(s.verify(model)).rejects.toMatchObject({
      code: 'mismatch',
      files: ['config.json'],
    });
    expect(await s.isInstalled(model)).toBe(false);
  });

  it('refuses to exceed the disk budget before downloading anything', async () => {
    const err = await store({ diskBudgetBytes: 100 * 1024 })
      .install(model)
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'disk_budget' });
    expect(err.detail).toMatch(/may use 0\.0 GB/);
    expect(server.requests).toHaveLength(0);
  });

  it('can be cancelled, keeping the partial file for later', async () => {
    const controller = new AbortController();
    const err = await store()
      .install(model, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytesDone > 100_000) controller.abort();
        },
      })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'cancelled' });
    expect(await store().isInstalled(model)).toBe(false);
  });

  it('removes models no longer approved only when the operator allows it', async () => {
    const s = store();
    await s.install(model);
    const old = path.join(hfHome, 'hub', 'models--org--tiny-model', 'snapshots', 'v0-old');
    const gone = path.join(hfHome, 'hub', 'models--org--retired');
    await mkdir(old, { recursive: true });
    await mkdir(path.join(gone, 'snapshots', 'main'), { recursive: true });
    const listed = await s.prune([model], false);
    expect(listed.stale.sort()).toEqual([gone, old].sort());
    expect(existsSync(gone) && existsSync(old)).toBe(true);
    await s.prune([model], true);
    expect(existsSync(gone) || existsSync(old)).toBe(false);
    expect(await s.isInstalled(model)).toBe(true);
  });

  it('downloads a file that failed its hash again and installs once it matches', async () => {
    const p = `/${REPO}/resolve/main/model.safetensors`;
    const bad = Buffer.from(weights);
    bad[5] = bad[5]! ^ 0xff;
    server.corrupt.set(p, bad);
    const s = store();
    const states: string[] = [];
    s.onChange(async () => states.push((await s.list([model]))[0]!.verification));
    // The server mends the file after the first (bad) download.
    const sub = s.onChange(() => {
      if (server.requests.some((r) => r.path === p)) server.corrupt.clear();
    });
    await s.install(model);
    sub.dispose();
    expect(server.requests.filter((r) => r.path === p)).toHaveLength(2);
    expect(await s.isInstalled(model)).toBe(true);
    expect((await s.list([model]))[0]).toMatchObject({
      verification: 'verified',
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
  });

  it('reports mismatch naming the file after it failed its hash on every download', async () => {
    const p = `/${REPO}/resolve/main/model.safetensors`;
    server.corrupt.set(p, Buffer.alloc(weights.length, 7));
    const s = store({ hashAttempts: 3 });
    const err = await s.install(model).catch((e) => e);
    expect(err).toMatchObject({ code: 'mismatch', files: ['model.safetensors'] });
    expect(err.detail).toMatch(
      /model\.safetensors of org\/tiny-model@main failed its SHA-256 check 3 times/,
    );
    expect(server.requests.filter((r) => r.path === p)).toHaveLength(3);
    expect((await s.list([model]))[0]).toMatchObject({
      verification: 'mismatch',
      installed: false,
      detail: expect.stringContaining('model.safetensors'),
    });
  });

  it('without a budget keeps 10 % of the disk free, and says so before downloading', async () => {
    const total = weights.length + config.length + tokenizer.length;
    const MB = 1024 * 1024;
    // 2 MB free of 10 MB: 1 MB may be used, the model needs about 0.6 MB.
    const roomy = store({ diskSpace: async () => ({ free: 2 * MB, total: 10 * MB }) });
    expect(await roomy.usage()).toEqual({ usedBytes: 0, budgetBytes: MB, operatorBudget: false });
    await roomy.install(model);
    // The files, plus the small verified marker and ref written next to them.
    expect((await roomy.usage()).usedBytes).toBeGreaterThanOrEqual(total);
    expect((await roomy.usage()).usedBytes).toBeLessThan(total + 4096);

    await rm(hfHome, { recursive: true, force: true });
    server.requests.length = 0;
    // 1.5 MB free of 10 MB: only 0.5 MB may be used.
    const tight = store({ diskSpace: async () => ({ free: 1.5 * MB, total: 10 * MB }) });
    const err = await tight.install(model).catch((e) => e);
    expect(err).toMatchObject({ code: 'disk_budget' });
    expect(err.detail).toMatch(/keeps 10 % of the disk free/);
    expect(server.requests).toHaveLength(0);
    expect((await tight.list([model]))[0]).toMatchObject({ verification: 'no_disk' });
  });

  it("an operator budget larger than the free disk still stops at the disk's free space", async () => {
    const err = await store({
      diskBudgetBytes: 10 * 1024 ** 3,
      diskSpace: async () => ({ free: 1000, total: 10 * 1024 ** 3 }),
    })
      .install(model)
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'disk_budget' });
    expect(err.detail).toMatch(/Not enough disk space/);
    expect(server.requests).toHaveLength(0);
  });

  it("takes a file's own URL from the configuration, a path resolved against the network URL", async () => {
    const hosted: ApprovedModel = {
      ...model,
      files: model.files.map((f) => ({
        ...f,
        url: `/${REPO}/resolve/main/${f.path}`,
      })),
    };
    await store({ downloader: { baseUrl: 'http://127.0.0.1:9', networkUrl: server.url } }).install(
      hosted,
    );
    expect(server.requests.map((r) => r.path).sort()).toEqual(
      model.files.map((f) => `/${REPO}/resolve/main/${f.path}`).sort(),
    );
  });

  it('refuses a model whose configuration lists no files: nothing is claimed verified', async () => {
    const s = store();
    await expect(s.install({ ...model, files: [] })).rejects.toMatchObject({
      code: 'download_failed',
    });
    expect((await s.list([{ ...model, files: [] }]))[0]).toMatchObject({
      verification: 'not_installed',
      installed: false,
    });
  });
});
