import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import { ConfigSnapshot } from '../../../src-main/core/protocol/schemas/snapshot.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';
import { startDevnet, type Devnet } from '../../../src-main/devnet/io/devnet.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe("the devnet's model hub", () => {
  let devnet: Devnet;
  const files = defaultSnapshot().models[0]!.files;
  const weights = files.find((f) => f.path === 'model.safetensors')!;
  const get = async (url: string, range?: string) => {
    const res = await fetch(new URL(url, devnet.url), range ? { headers: { range } } : {});
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    devnet = await startDevnet({ logger: silentLogger });
  });
  afterAll(() => devnet.close());

  it("lists every file of its model with SHA-256, size and a URL on the devnet, valid under the node's schema", () => {
    expect(ConfigSnapshot.safeParse(defaultSnapshot()).success).toBe(true);
    expect(files.map((f) => f.path)).toEqual([
      'config.json',
      'tokenizer.json',
      'model.safetensors',
    ]);
    expect(weights.url).toBe('/hub/resultity/sim-chat-1b/resolve/r1/model.safetensors');
  });

  it('serves the files whose hashes the snapshot lists, and the rest of one from a Range', async () => {
    for (const f of files) {
      const r = await get(f.url!);
      expect(r.status).toBe(200);
      expect(r.body.length).toBe(f.size);
      expect(sha(r.body)).toBe(f.sha256);
    }
    const whole = (await get(weights.url!)).body;
    const tail = await get(weights.url!, 'bytes=1000-');
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(
      `bytes 1000-${weights.size - 1}/${weights.size}`,
    );
    expect(tail.body.equals(whole.subarray(1000))).toBe(true);
    expect((await get(weights.url!, `bytes=${weights.size}-`)).status).toBe(416);
    expect((await get('/hub/org/other/resolve/r1/model.safetensors')).status).toBe(404);
  });

  it('serves a corrupted file under the corrupt_model_file fault', async () => {
    devnet.setFaults({ corrupt_model_file: { path: 'model.safetensors' } });
    try {
      const r = await get(weights.url!);
      expect(r.body.length).toBe(weights.size);
      expect(sha(r.body)).not.toBe(weights.sha256);
    } finally {
      devnet.clearFaults();
    }
    expect(sha((await get(weights.url!)).body)).toBe(weights.sha256);
  });
});

describe('a devnet restored from state saved before its model hub', () => {
  it('publishes its model again with the hub files listed, so nodes can check them', async () => {
    const old = defaultSnapshot();
    const devnet = await startDevnet({
      logger: silentLogger,
      initialSnapshot: { ...old, models: old.models.map((m) => ({ ...m, files: [] })) },
    });
    try {
      const current = devnet.core.history.current;
      expect(current.serial).toBe(old.serial + 1);
      expect(current.snapshot.models[0]!.files).toEqual(old.models[0]!.files);
    } finally {
      await devnet.close();
    }
  });
});
