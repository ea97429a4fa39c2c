// --runtime: the production Docker runtime, the local simulated one, or --runtime-url — one of
// them, each only where it makes sense, refused with words that say what to pass instead.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOptions, USAGE, UsageError } from '../../../src-main/headless/options.js';
import type { Reporter } from '../../../src-main/headless/reporter.js';
import { runHeadless } from '../../../src-main/headless/run-headless.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runtime-opt-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const SIGNER = '0x' + 'ab'.repeat(20);

describe('--runtime', () => {
  it('docker is accepted on every profile, from a flag or the config file', async () => {
    for (const profile of ['local', 'testnet', 'mainnet']) {
      expect(await parseOptions(['--profile', profile, '--runtime', 'docker'], {})).toMatchObject({
        profile,
        runtime: 'docker',
      });
    }
    const file = join(dir, 'node.json');
    await writeFile(file, JSON.stringify({ profile: 'mainnet', runtime: 'docker' }));
    expect(await parseOptions(['--config', file], {})).toMatchObject({
      profile: 'mainnet',
      runtime: 'docker',
    });
  });

  it('docker joins an external devnet without --runtime-url', async () => {
    const argv = ['--io-url', 'http://127.0.0.1:7800', '--network-signer', SIGNER];
    expect(await parseOptions([...argv, '--runtime', 'docker'], {})).toMatchObject({
      ioUrl: 'http://127.0.0.1:7800',
      runtime: 'docker',
    });
    await expect(parseOptions(argv, {})).rejects.toThrow(/--runtime-url .*or --runtime docker/);
  });

  it('simulated is the local default and only local', async () => {
    expect(await parseOptions(['--runtime', 'simulated'], {})).toMatchObject({
      profile: 'local',
      runtime: 'simulated',
    });
    const refused = parseOptions(['--profile', 'testnet', '--runtime', 'simulated'], {});
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(/refused on testnet.*--runtime docker/);
  });

  it('--allow-runtime-image (repeatable, or allowRuntimeImages in the config file) extends the image allow-list for docker only', async () => {
    const argv = ['--profile', 'mainnet', '--runtime', 'docker'];
    expect(
      await parseOptions(
        [...argv, '--allow-runtime-image', 'r.example/a', '--allow-runtime-image', 'b/c'],
        {},
      ),
    ).toMatchObject({ allowRuntimeImages: ['r.example/a', 'b/c'] });
    const file = join(dir, 'allow.json');
    await writeFile(
      file,
      JSON.stringify({ profile: 'mainnet', runtime: 'docker', allowRuntimeImages: ['x/y'] }),
    );
    expect(await parseOptions(['--config', file], {})).toMatchObject({
      allowRuntimeImages: ['x/y'],
    });
    await expect(
      parseOptions([...argv, '--allow-runtime-image', 'vllm/vllm-openai:latest'], {}),
    ).rejects.toThrow(
      /Invalid --allow-runtime-image: "vllm\/vllm-openai:latest" is not an image repository/,
    );
    await expect(
      parseOptions(argv, { RESULTITY_EXTRA_RUNTIME_IMAGES: 'x@sha256:00' }),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(
      parseOptions(['--runtime-url', 'http://127.0.0.1:8000', '--allow-runtime-image', 'a/b'], {}),
    ).rejects.toThrow(/only applies with --runtime docker/);
    expect(USAGE).toContain('--allow-runtime-image <repository>');
  });

  it('refuses an unknown runtime and two runtimes at once', async () => {
    await expect(parseOptions(['--runtime', 'podman'], {})).rejects.toThrow(/runtime/);
    const both = ['--runtime', 'docker', '--runtime-url', 'http://127.0.0.1:8000'];
    await expect(parseOptions(both, {})).rejects.toThrow(
      /either --runtime docker or --runtime-url/,
    );
  });

  it('is in the usage text, with the dashboard flags', () => {
    expect(USAGE).toMatch(/--runtime <docker\|simulated>/);
    expect(USAGE).toMatch(/--dashboard-port <port>/);
    expect(USAGE).toMatch(/--dashboard-dir <dir>/);
  });

  it('testnet without a runtime says to pass --runtime docker or --runtime-url, before writing anything', async () => {
    const dataDir = join(dir, 'untouched');
    const cfg = await parseOptions(['--profile', 'testnet', '--data-dir', dataDir], {});
    const silent = new Proxy({}, { get: () => () => undefined }) as Reporter;
    await expect(runHeadless(cfg!, {}, silent)).rejects.toThrow(
      /pass --runtime docker .* or --runtime-url/,
    );
    await expect(readdir(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
