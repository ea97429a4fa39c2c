import type Docker from 'dockerode';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import { removeStaleContainers } from '../../../src-main/core/runtime/docker/container-ops.js';
import { INSTANCE_LABEL } from '../../../src-main/core/runtime/docker/labels.js';
import { loadRuntimeInstance } from '../../../src-main/core/runtime/docker/runtime-instance.js';

/** An engine listing the given containers (already filtered by network and role) per role. */
function engineWith(containers: { Id: string; Labels: Record<string, string> }[]) {
  const removed: string[] = [];
  const api = {
    listContainers: async (o: { filters: { label: string[] } }) =>
      o.filters.label.includes('network.resultity.role=vllm') ? containers : [],
    getContainer: (id: string) => ({
      remove: async () => {
        removed.push(id);
      },
    }),
  } as unknown as Docker;
  return { api, removed };
}

describe('leftover runtime containers', () => {
  const leftovers: { Id: string; Labels: Record<string, string> }[] = [
    { Id: 'mine', Labels: { [INSTANCE_LABEL]: 'aaaaaaaaaaaa' } },
    { Id: 'older-version', Labels: {} },
    { Id: 'other-node', Labels: { [INSTANCE_LABEL]: 'bbbbbbbbbbbb' } },
    { Id: 'running-now', Labels: { [INSTANCE_LABEL]: 'aaaaaaaaaaaa' } },
  ];

  it("are removed for this data folder and an older version's, never another node's", async () => {
    const { api, removed } = engineWith(leftovers);
    await removeStaleContainers(api, 'testnet', silentLogger, 'running-now', 'aaaaaaaaaaaa');
    expect(removed).toEqual(['mine', 'older-version']);
  });

  it('without a mark (a runtime built without one) all of this network are removed', async () => {
    const { api, removed } = engineWith(leftovers);
    await removeStaleContainers(api, 'testnet', silentLogger);
    expect(removed).toEqual(['mine', 'older-version', 'other-node', 'running-now']);
  });
});

describe('the data folder mark', () => {
  let dir: string | undefined;
  afterEach(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('is made once and kept; a damaged file is replaced', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-instance-'));
    const root = path.join(dir, 'runtime');
    const first = await loadRuntimeInstance(root);
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    expect(await loadRuntimeInstance(root)).toBe(first);
    await writeFile(path.join(root, 'instance-id'), 'not an id');
    const again = await loadRuntimeInstance(root);
    expect(again).toMatch(/^[0-9a-f]{12}$/);
    expect((await readFile(path.join(root, 'instance-id'), 'utf8')).trim()).toBe(again);
  });
});
