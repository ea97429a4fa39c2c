import Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src-main/core/clock.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import type { DockerClients } from '../../../src-main/core/runtime/docker/docker-clients.js';
import { ImagePuller } from '../../../src-main/core/runtime/docker/image-puller.js';
import { OwnedImages } from '../../../src-main/core/runtime/docker/owned-images.js';
import { ImagePullError, pullError } from '../../../src-main/core/runtime/docker/pull-errors.js';
import { PullProgressTracker } from '../../../src-main/core/runtime/docker/pull-progress.js';
import type { TransferProgress } from '../../../src-main/core/runtime/docker/transfer-progress.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const REPO = 'vllm/vllm-openai';
const REF = `${REPO}@${DIGEST}`;
const pullErrors = JSON.parse(
  readFileSync(path.resolve('tests/fixtures/docker-errors/pull-errors.json'), 'utf8'),
) as Record<string, { statusCode?: number; message?: string; error?: string }>;

/** A realistic pull: two layers, one already present, progress, then the digest line. */
function pullScript(extra: object[] = []): object[] {
  return [
    { status: `Pulling from ${REPO}`, id: DIGEST },
    { status: 'Already exists', progressDetail: {}, id: '0a1b2c3d4e5f' },
    { status: 'Pulling fs layer', progressDetail: {}, id: '1111aaaa2222' },
    { status: 'Pulling fs layer', progressDetail: {}, id: '3333bbbb4444' },
    { status: 'Downloading', progressDetail: { current: 1000, total: 4000 }, id: '1111aaaa2222' },
    { status: 'Downloading', progressDetail: { current: 500, total: 6000 }, id: '3333bbbb4444' },
    ...extra,
    { status: 'Downloading', progressDetail: { current: 4000, total: 4000 }, id: '1111aaaa2222' },
    { status: 'Download complete', progressDetail: {}, id: '1111aaaa2222' },
    { status: 'Extracting', progressDetail: { current: 6000, total: 6000 }, id: '3333bbbb4444' },
    { status: 'Pull complete', progressDetail: {}, id: '3333bbbb4444' },
    { status: 'Pull complete', progressDetail: {}, id: '1111aaaa2222' },
    { status: `Digest: ${DIGEST}` },
    { status: `Status: Downloaded newer image for ${REF}` },
  ];
}

type PullAnswer = { error: object } | { events: object[]; hang?: boolean };

function fakeClients(answers: PullAnswer[], repoDigests = [REF]) {
  let present = false;
  const pulls: Array<{ ref: string }> = [];
  const modem = new Docker({ socketPath: '/nonexistent.sock' }).modem;
  const api = {
    getImage: () => ({
      inspect: async () => {
        if (!present) throw Object.assign(new Error('No such image'), { statusCode: 404 });
        return { Id: 'sha256:image', RepoDigests: repoDigests };
      },
      remove: async () => undefined,
    }),
    info: async () => ({ DockerRootDir: '/var/lib/docker' }),
  };
  const stream = {
    modem,
    pull: (
      ref: string,
      opts: { abortSignal?: AbortSignal },
      cb: (e: unknown, s?: PassThrough) => void,
    ) => {
      pulls.push({ ref });
      const answer = answers.shift() ?? { events: pullScript() };
      if ('error' in answer) return cb(answer.error);
      const s = new PassThrough();
      opts.abortSignal?.addEventListener('abort', () => s.destroy());
      cb(null, s);
      for (const e of answer.events) s.write(JSON.stringify(e) + '\r\n');
      if (!answer.hang) {
        if (!answer.events.some((e) => 'error' in e)) present = true;
        s.end();
      }
    },
  };
  const clients = {
    api,
    stream,
    endpoint: { kind: 'socket', path: '/x', source: 't' },
  } as unknown as DockerClients;
  return { clients, pulls, setPresent: (v: boolean) => (present = v) };
}

function puller(
  clients: DockerClients,
  over: Partial<ConstructorParameters<typeof ImagePuller>[0]> = {},
) {
  return new ImagePuller({
    clients,
    clock: systemClock,
    logger: silentLogger,
    engineIsLocal: false,
    retryBaseMs: 1,
    progressIntervalMs: 0,
    ...over,
  });
}

describe('pull progress', () => {
  it('adds bytes per layer and ignores layers that already exist', () => {
    const t = new PullProgressTracker();
    for (const e of pullScript().slice(0, 6)) t.apply(e);
    expect([t.bytesDone, t.bytesTotal, t.layers]).toEqual([1500, 10000, 2]);
    expect(t.layerBytes()).toEqual([
      { id: '1111aaaa2222', bytesDone: 1000, bytesTotal: 4000 },
      { id: '3333bbbb4444', bytesDone: 500, bytesTotal: 6000 },
    ]);
    for (const e of pullScript().slice(6)) t.apply(e);
    expect([t.bytesDone, t.bytesTotal, t.digest]).toEqual([10000, 10000, DIGEST]);
  });

  it('reports an error inside the stream as a failure', () => {
    const t = new PullProgressTracker();
    expect(t.apply(pullErrors.inStreamNoSpace!)).toMatch(/no space left on device/);
  });
});

describe('ImagePuller', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('pulls by digest, reports real progress, verifies the digest and records the image as ours', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-puller-'));
    const owned = new OwnedImages(path.join(dir, 'images.json'), silentLogger);
    const f = fakeClients([]);
    const progress: TransferProgress[] = [];
    const result = await puller(f.clients, { owned }).ensure({
      image: { repository: REPO, digest: DIGEST, tag: 'v0.11.0' },
      onProgress: (p) => progress.push(p),
    });
    expect(result).toEqual({ ref: REF, imageId: 'sha256:image', pulled: true });
    expect(f.pulls).toEqual([{ ref: REF }]);
    expect(
      progress.some((p) => p.state === 'running' && p.bytesDone === 1500 && p.bytesTotal === 10000),
    ).toBe(true);
    expect(progress.at(-1)).toMatchObject({
      state: 'done',
      bytesDone: 10000,
      bytesTotal: 10000,
      etaSeconds: 0,
    });
    expect((await owned.list()).map((i) => i.digest)).toEqual([DIGEST]);
  });

  it('does not pull an image that is already present with the pinned digest', async () => {
    const f = fakeClients([]);
    f.setPresent(true);
    expect(
      await puller(f.clients).ensure({ image: { repository: REPO, digest: DIGEST } }),
    ).toMatchObject({ pulled: false });
    expect(f.pulls).toHaveLength(0);
  });

  it('treats an error inside the progress stream as a failure and retries transient ones', async () => {
    const f = fakeClients([{ events: [...pullScript().slice(0, 5), pullErrors.inStreamReset!] }]);
    const result = await puller(f.clients).ensure({ image: { repository: REPO, digest: DIGEST } });
    expect(result.pulled).toBe(true);
    expect(f.pulls).toHaveLength(2);
  });

  it('does not retry a full disk, and says what to do', async () => {
    const f = fakeClients([{ events: [pullErrors.inStreamNoSpace!] }]);
    const err = await puller(f.clients)
      .ensure({ image: { repository: REPO, digest: DIGEST } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ImagePullError);
    expect(err).toMatchObject({ code: 'disk_full' });
    expect(err.fix).toMatch(/docker system prune/);
    expect(f.pulls).toHaveLength(1);
  });

  it('gives up after the configured attempts on a registry that keeps failing', async () => {
    const e500 = Object.assign(new Error(pullErrors.server500!.message), { statusCode: 500 });
    const f = fakeClients([{ error: e500 }, { error: e500 }, { error: e500 }]);
    const err = await puller(f.clients, { attempts: 3 })
      .ensure({ image: { repository: REPO, digest: DIGEST } })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'registry_error' });
    expect(f.pulls).toHaveLength(3);
  });

  it('refuses an image whose RepoDigests do not contain the pinned digest', async () => {
    const f = fakeClients([], [`${REPO}@sha256:${'cd'.repeat(32)}`]);
    const err = await puller(f.clients)
      .ensure({ image: { repository: REPO, digest: DIGEST } })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'digest_mismatch', retryable: false });
    expect(err.detail).toContain('does not match the pinned digest');
  });

  it('is cancellable mid-pull', async () => {
    const f = fakeClients([{ events: pullScript().slice(0, 5), hang: true }]);
    const controller = new AbortController();
    const progress: TransferProgress[] = [];
    const pending = puller(f.clients).ensure({
      image: { repository: REPO, digest: DIGEST },
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        if (p.bytesDone > 0) controller.abort();
      },
    });
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    expect(progress.at(-1)?.state).toBe('failed');
    expect(f.pulls).toHaveLength(1);
  });

  it('checks free space on a local engine before pulling', async () => {
    const f = fakeClients([]);
    const p = puller(f.clients, {
      engineIsLocal: true,
      freeSpace: async () => 3 * 1024 ** 3,
      requiredBytes: 25 * 1024 ** 3,
    });
    const err = await p.ensure({ image: { repository: REPO, digest: DIGEST } }).catch((e) => e);
    expect(err).toMatchObject({ code: 'disk_full' });
    expect(err.detail).toBe(
      'Not enough disk space for the runtime image: 3.0 GB free on /var/lib/docker, about 25.0 GB needed.',
    );
    expect(f.pulls).toHaveLength(0);
  });
});

describe('pull error messages', () => {
  const map = (key: string) => {
    const f = pullErrors[key]!;
    return pullError(REF, Object.assign(new Error(f.message), { statusCode: f.statusCode }));
  };

  it('maps 401, 403, 404, 500 and rate limits to readable, actionable messages', () => {
    expect(map('unauthorized401')).toMatchObject({ code: 'unauthorized', retryable: false });
    expect(map('forbidden403')).toMatchObject({ code: 'denied', retryable: false });
    expect(map('notFound404')).toMatchObject({ code: 'not_found', retryable: false });
    expect(map('manifestUnknown')).toMatchObject({ code: 'not_found' });
    expect(map('server500')).toMatchObject({ code: 'registry_error', retryable: true });
    expect(map('rateLimit')).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(map('notFound404').detail).not.toContain('(HTTP code 404) unexpected');
    expect(map('unauthorized401').fix).toMatch(/docker logout/);
  });
});

describe('OwnedImages', () => {
  it('removes only superseded images the node pulled, keeps images in use, forgets gone ones', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rn-owned-'));
    try {
      // A fresh data folder: the record's folder does not exist yet.
      const owned = new OwnedImages(
        path.join(dir, 'local', 'runtime', 'images.json'),
        silentLogger,
      );
      const d = (c: string) => `sha256:${c.repeat(64)}`;
      for (const c of ['1', '2', '3', '4'])
        await owned.add({ ref: `${REPO}@${d(c)}`, digest: d(c), imageId: `id${c}` });
      const removed: string[] = [];
      const docker = {
        getImage: (ref: string) => ({
          remove: async () => {
            if (ref.endsWith(d('2')))
              throw Object.assign(new Error('conflict: image is being used by a container'), {
                statusCode: 409,
              });
            if (ref.endsWith(d('3')))
              throw Object.assign(new Error('No such image'), { statusCode: 404 });
            removed.push(ref);
          },
        }),
      } as unknown as Docker;
      expect(await owned.removeSuperseded(docker, [d('4')])).toEqual([`${REPO}@${d('1')}`]);
      expect(removed).toEqual([`${REPO}@${d('1')}`]);
      expect((await owned.list()).map((i) => i.digest)).toEqual([d('2'), d('4')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
