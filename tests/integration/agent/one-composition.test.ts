// Both hosts build their node through the one composition root, composeNodeKit
// (src-main/service/node-kit.ts): the desktop's composeDesktopNode (what main.ts runs) and the
// headless runHeadless (what `npm start` runs), each observed calling it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeDesktopNode } from '../../../src-main/desktop/desktop-node.js';
import { HeadlessConfig } from '../../../src-main/headless/options.js';
import type { Reporter } from '../../../src-main/headless/reporter.js';
import { runHeadless } from '../../../src-main/headless/run-headless.js';
import * as nodeKit from '../../../src-main/service/node-kit.js';
import { fakeSafeStorage, noGpuSource } from '../../helpers/no-gpu.js';
import { keyDialogs } from '../../../src-main/desktop/key-dialogs.js';
import { fakeDialog } from '../../helpers/fake-key-dialogs.js';

vi.mock('../../../src-main/service/node-kit.js', async (importOriginal) => {
  const real = await importOriginal<typeof nodeKit>();
  return { ...real, composeNodeKit: vi.fn(real.composeNodeKit) };
});

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'one-composition-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const silent = new Proxy({}, { get: () => () => undefined }) as Reporter;

describe('one composition root', () => {
  it('the desktop and the headless node are both composed by composeNodeKit', async () => {
    const compose = vi.mocked(nodeKit.composeNodeKit);
    const { kit: desktop } = await composeDesktopNode({
      paths: { dataRoot: join(root, 'desktop'), settingsFile: join(root, 'desktop.json') },
      safeStorage: fakeSafeStorage,
      env: {},
      appVersion: '0.1.0-test',
      openFolder: async () => undefined,
      keyDialogs: keyDialogs(fakeDialog({}).dialog),
      drainTimeoutMs: 1_000,
      logSink: () => undefined,
      testSeams: { gpu: noGpuSource() },
    });
    await desktop.close();
    const headless = await runHeadless(
      HeadlessConfig.parse({ dataDir: join(root, 'headless'), dashboardDir: root }),
      {},
      silent,
    );
    await headless.stop('test over');

    expect(compose.mock.calls.map(([o]) => o.host)).toEqual(['desktop', 'headless']);
    const [desktopKit, headlessKit] = await Promise.all(
      compose.mock.results.map((r) => r.value as Promise<nodeKit.NodeKit>),
    );
    expect(desktopKit).toBe(desktop);
    expect(headlessKit).toBe(headless.kit);
    // The headless node really ran through it: its agent is the kit's current run.
    expect(headless.kit.agent.state().nodeId).toBe(headless.node.agent.nodeId);
  }, 60_000);
});
