import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVNET_MODEL } from '../../../src-main/devnet/io/default-snapshot.js';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';
import { startProcess, stopAll, tsxArgs, waitUntil } from '../../helpers/processes.js';

const KEY = 'plan-test-runtime-key';
let root: string;
let sim: SimRuntime | null = null;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'external-plan-cli-'));
});
afterAll(async () => {
  await stopAll();
  await sim?.close();
  await rm(root, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('headless CLI with an external runtime (the Kubernetes pod mode)', () => {
  it('the runtime starts from the plan the agent wrote; a required image change is reported', async () => {
    const planFile = join(root, 'plan', 'plan.json');
    const port = await freePort();
    const env = { ...process.env };
    delete env.RESULTITY_KEY_PASSPHRASE;
    delete env.RESULTITY_DATA_DIR;
    const node = startProcess({
      name: 'external',
      env,
      args: tsxArgs(
        'src-main/headless/cli.ts',
        '--json',
        '--data-dir',
        join(root, 'data'),
        '--runtime-url',
        `http://127.0.0.1:${port}`,
        '--runtime-api-key',
        KEY,
        '--runtime-plan-file',
        planFile,
        '--runtime-image',
        'vllm/vllm-openai:v0.10.0',
        '--ops-port',
        'off',
      ),
    });
    // No runtime yet: the agent writes the plan of the configuration it verified...
    const plan = await waitUntil(
      async () => JSON.parse(await readFile(planFile, 'utf8')) as Record<string, unknown>,
      'the plan file',
      45_000,
      200,
    );
    expect(plan).toMatchObject({
      model: DEVNET_MODEL.name,
      servedName: DEVNET_MODEL.served_name,
      revision: DEVNET_MODEL.revision,
      image: `vllm/vllm-openai:v0.11.0@sha256:${'0'.repeat(64)}`,
    });
    const report = await node.waitForLine(/Runtime image change required/, 5_000);
    expect(report).toContain('runs vllm/vllm-openai:v0.10.0');
    // ...and the launcher starts the runtime with exactly that (as vllm-start.py does).
    sim = await startSimRuntime({
      port,
      apiKey: KEY,
      warmupMs: 0,
      model: String(plan.model),
      servedModelName: String(plan.servedName),
    });
    await node.waitForLine((l) => l.includes('"state":"active"'), 45_000);
    expect(node.output(400)).not.toContain('"type":"ops"');
    expect((await node.stop()).code).toBe(0);
  }, 120_000);
});
