import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The project's own eslint.config.js, run through ESLint's Node API on a probe file placed (by
// path) in each folder of the layer table: a wrong import must fail, a right one must pass.
const ROOT = resolve(import.meta.dirname, '../../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function problems(file: string, code: string, ...rules: string[]): Promise<string[]> {
  const wanted = new Set(['local/layers', 'no-restricted-imports', ...rules]);
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId !== null && wanted.has(m.ruleId))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

/** The import line is refused, and only by the layer rule (or the electron rule). */
async function refused(file: string, code: string, rule = 'local/layers'): Promise<void> {
  const found = await problems(file, code);
  expect(found, `${file} should refuse:\n${code}`).toHaveLength(1);
  expect(found[0]).toMatch(new RegExp(`^${rule}: `));
}

async function accepted(file: string, code: string): Promise<void> {
  expect(await problems(file, code), `${file} should accept:\n${code}`).toEqual([]);
}

const use = 'export const used = [x];\n';

describe('layer table (eslint local/layers)', () => {
  it('core: nothing outside core', async () => {
    const f = 'src-main/core/jobs/layer-probe.ts';
    await refused(f, `import { x } from '../../service/event-hub.js';\n${use}`);
    await refused(f, `import type { x } from '../../contract/index.js';\nexport type T = x;\n`);
    await refused(f, `const { x } = await import('../../devnet/index.js');\n${use}`);
    await refused(f, `export { x } from '../../headless/options.js';\n`);
    await accepted(f, `import { x } from '../clock.js';\n${use}`);
    await accepted(f, `import { x } from 'node:fs';\n${use}`);
    // the electron rule is still there
    await refused(f, `import { x } from 'electron';\n${use}`, 'no-restricted-imports');
  });

  it('contract: imports nothing outside itself, not even types or packages', async () => {
    const f = 'src-main/contract/layer-probe.ts';
    await refused(f, `import { x } from '../core/logger.js';\n${use}`);
    await refused(f, `import type { x } from '../core/logger.js';\nexport type T = x;\n`);
    await refused(f, `import { x } from 'zod';\n${use}`);
    await refused(f, `import type { x } from 'zod';\nexport type T = x;\n`);
    await accepted(f, `import type { x } from './api.js';\nexport type T = x;\n`);
    await accepted(f, `export { x } from './errors.js';\n`);
  });

  it('service: core and contract; the devnet only through import()', async () => {
    const f = 'src-main/service/layer-probe.ts';
    await refused(f, `import { x } from '../desktop/tray.js';\n${use}`);
    await refused(f, `import { x } from '../headless/options.js';\n${use}`);
    await refused(f, `import { x } from '../devnet/io/devnet.js';\n${use}`);
    await accepted(f, `const { x } = await import('../devnet/io/devnet.js');\n${use}`);
    await accepted(f, `import { x } from '../core/logger.js';\n${use}`);
    await accepted(f, `import type { x } from '../contract/index.js';\nexport type T = x;\n`);
  });

  it('desktop: service, core and contract only', async () => {
    const f = 'src-main/desktop/layer-probe.ts';
    await refused(f, `import { x } from '../headless/options.js';\n${use}`);
    await refused(f, `const { x } = await import('../devnet/index.js');\n${use}`);
    await refused(f, `import { x } from '../../src-renderer/src/App.js';\n${use}`);
    await accepted(f, `import { x } from '../service/index.js';\n${use}`);
    await accepted(f, `import { x } from '../core/identity/index.js';\n${use}`);
    await accepted(f, `import { x } from '../contract/index.js';\n${use}`);
  });

  it('headless: service, core and contract; the devnet only through import()', async () => {
    const f = 'src-main/headless/layer-probe.ts';
    await refused(f, `import { x } from '../devnet/io/devnet.js';\n${use}`);
    await refused(f, `import { x } from '../desktop/tray.js';\n${use}`);
    await accepted(f, `const { x } = await import('../devnet/io/devnet.js');\n${use}`);
    await accepted(f, `import type { x } from '../devnet/io/devnet.js';\nexport type T = x;\n`);
    await accepted(f, `import { x } from '../service/index.js';\n${use}`);
    await accepted(f, `import x from '../../package.json' with { type: 'json' };\n${use}`);
  });

  it('devnet: core/protocol, core/clock, core/logger and core/store/atomic-file only', async () => {
    const f = 'src-main/devnet/io/layer-probe.ts';
    await refused(f, `import { x } from '../../core/agent/agent.js';\n${use}`);
    await refused(f, `import { x } from '../../core/store/journal-file.js';\n${use}`);
    await refused(f, `import { x } from '../../service/index.js';\n${use}`);
    await accepted(f, `import { x } from '../../core/protocol/envelope.js';\n${use}`);
    await accepted(f, `import { x } from '../../core/clock.js';\n${use}`);
    await accepted(f, `import type { x } from '../../core/logger.js';\nexport type T = x;\n`);
    await accepted(f, `import { x } from '../../core/store/atomic-file.js';\n${use}`);
  });

  it('renderer: the contract only, and no Node.js module', async () => {
    const f = 'src-renderer/src/lib/layer-probe.ts';
    await refused(f, `import { x } from '../../../src-main/core/logger.js';\n${use}`);
    await refused(
      f,
      `import type { x } from '../../../src-main/service/index.js';\nexport type T = x;\n`,
    );
    await refused(f, `import { x } from 'node:fs';\n${use}`);
    await refused(f, `import { x } from 'path';\n${use}`);
    await accepted(f, `import { x } from '../../../src-main/contract/index.js';\n${use}`);
    await accepted(f, `import { x } from 'zustand';\n${use}`);
    await accepted(f, `import { x } from '../stores/node-store.js';\n${use}`);
  });

  it('an `import("…").T` type reference obeys the table too', async () => {
    await refused(
      'src-main/core/layer-probe.ts',
      `export type T = import('../service/index.js').UiService;\n`,
    );
  });

  it('src-main subscribes through core/base, not a Node EventEmitter', async () => {
    const f = 'src-main/service/layer-probe.ts';
    const found = await problems(
      f,
      "import { EventEmitter } from 'node:events';\nexport class X extends EventEmitter {}\n",
      '@typescript-eslint/no-restricted-imports',
    );
    expect(found).toHaveLength(1);
    await accepted(
      f,
      `import { Emitter } from '../core/base/event.js';\nexport const e = new Emitter();\n`,
    );
  });

  it('tests and scripts are outside the table', async () => {
    await accepted(
      'tests/unit/layer-probe.ts',
      `import { x } from '../../src-main/desktop/tray.js';\n${use}`,
    );
    await accepted(
      'scripts/layer-probe.ts',
      `import { x } from '../src-main/devnet/index.js';\n${use}`,
    );
  });
});
