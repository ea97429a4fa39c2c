// Options of a node that runs in a container (the agent image): the models volume its runtime
// containers mount, and the GPU-less Docker runtime the devnet's simulated image runs with.
import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from '../../../src-main/headless/options.js';

const docker = ['--runtime', 'docker'];

describe('--models-volume / --models-dir', () => {
  it('are taken together with --runtime docker', async () => {
    const cfg = await parseOptions(
      [...docker, '--models-volume', 'resultity-models', '--models-dir', '/models'],
      {},
    );
    expect(cfg).toMatchObject({ modelsVolume: 'resultity-models', modelsDir: '/models' });
  });

  it('refuses one without the other, a bad volume name, a relative dir and another runtime', async () => {
    for (const argv of [
      [...docker, '--models-volume', 'resultity-models'],
      [...docker, '--models-dir', '/models'],
      [...docker, '--models-volume', '../etc', '--models-dir', '/models'],
      [...docker, '--models-volume', 'm', '--models-dir', 'models'],
      ['--models-volume', 'm', '--models-dir', '/models'],
    ]) {
      await expect(parseOptions(argv, {}), argv.join(' ')).rejects.toBeInstanceOf(UsageError);
    }
  });
});

describe('--runtime-gpu', () => {
  it('none is accepted on the local profile with --runtime docker only', async () => {
    expect(await parseOptions([...docker, '--runtime-gpu', 'none'], {})).toMatchObject({
      runtimeGpu: 'none',
    });
    await expect(
      parseOptions(['--profile', 'testnet', ...docker, '--runtime-gpu', 'none'], {}),
    ).rejects.toThrow(/refused on testnet/);
    await expect(parseOptions(['--runtime-gpu', 'none'], {})).rejects.toThrow(
      /only apply with --runtime docker/,
    );
    await expect(parseOptions([...docker, '--runtime-gpu', 'amd'], {})).rejects.toThrow(UsageError);
  });
});
