import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type LogEntry } from '../../../src-main/core/logger.js';
import { ExternalRuntime } from '../../../src-main/core/runtime/external-runtime.js';
import type { RuntimePlan } from '../../../src-main/core/runtime/runtime.js';
import { startFakeOpenAI, type FakeOpenAIServer } from '../../helpers/fake-openai-server.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const plan = (digest = DIGEST): RuntimePlan => ({
  model: { name: 'org/m', servedName: 'm', revision: 'r1', maxModelLen: 4096 },
  image: { repository: 'vllm/vllm-openai', tag: 'v0.11.0', digest },
  maxNumSeqs: 64,
  gpuMemoryHeadroomMb: 0,
});

let server: FakeOpenAIServer | null = null;
let runtime: ExternalRuntime | null = null;
let dir = '';
afterEach(async () => {
  await runtime?.stop();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  runtime = null;
  server = null;
});

async function start(declaredImage?: string, simulated = false) {
  dir = await mkdtemp(join(tmpdir(), 'external-plan-'));
  server = await startFakeOpenAI({ models: ['m'] });
  const logs: LogEntry[] = [];
  runtime = new ExternalRuntime({
    url: server.url,
    clock: new ManualClock(),
    logger: createLogger([(e) => logs.push(e)]),
    planFile: join(dir, 'plan.json'),
    ...(declaredImage ? { declaredImage } : {}),
    simulated,
  });
  return { logs, file: join(dir, 'plan.json') };
}

describe('ExternalRuntime: plan file and required image', () => {
  it('writes the verified plan for a launcher (0644, no secret) before waiting for the runtime', async () => {
    const { file } = await start();
    await runtime!.apply(plan());
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      model: 'org/m',
      servedName: 'm',
      revision: 'r1',
      maxModelLen: 4096,
      maxNumSeqs: 64,
      image: `vllm/vllm-openai:v0.11.0@${DIGEST}`,
    });
    expect((await stat(file)).mode & 0o777).toBe(0o644);
  });

  it('reports (never performs) a required image change, once per change', async () => {
    const { logs } = await start(`vllm/vllm-openai:v0.10.0@sha256:${'b'.repeat(64)}`);
    await runtime!.apply(plan());
    await runtime!.apply(plan());
    const changes = logs.filter((l) => l.message.startsWith('Runtime image change required'));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ level: 'warn' });
    expect(changes[0]!.message).toContain(DIGEST);
    expect(runtime!.status().state).toBe('ready');
  });

  it('says so when the declared image matches by digest', async () => {
    const { logs } = await start(`registry.local/vllm:x@${DIGEST}`);
    await runtime!.apply(plan());
    expect(logs.some((l) => l.level === 'warn')).toBe(false);
    expect(logs.some((l) => l.message.includes('is the one the network'))).toBe(true);
  });

  it('a declared tag without digest matches by tag only, and says so', async () => {
    const { logs } = await start('vllm/vllm-openai:v0.11.0');
    await runtime!.apply(plan());
    expect(logs.some((l) => l.level === 'warn')).toBe(false);
    expect(logs.some((l) => l.message.includes('pin it by digest'))).toBe(true);
  });

  it("asks nothing of the operator for the devnet's simulated runtime (it stands in for any image)", async () => {
    const { logs } = await start(undefined, true);
    await runtime!.apply(plan());
    expect(logs.filter((l) => l.message.includes('runtime image'))).toEqual([]);
  });

  it('without a declared image, says which image the network requires', async () => {
    const { logs } = await start();
    await runtime!.apply(plan());
    expect(logs.filter((l) => l.message.includes('requires the runtime image'))).toHaveLength(1);
  });
});
