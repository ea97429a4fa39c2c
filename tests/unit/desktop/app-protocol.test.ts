// The app:// protocol with real files: a renderer folder, a secret next to it (standing in for
// the node's key file) and symlinks pointing out. Every way out must be refused.
import { mkdtempSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_INDEX_URL,
  installAppProtocol,
  resolveAppRequest,
} from '../../../src-main/desktop/app-protocol.js';
import { DESKTOP_CSP } from '../../../src-main/desktop/security.js';
import { FakeProtocol, fakeNet } from '../../helpers/fake-electron.js';

// Made now: the it.each table below names paths inside it.
const base = mkdtempSync(join(tmpdir(), 'app-protocol-'));
const root = join(base, 'app', 'dist', 'renderer');
const SECRET = 'NODE-KEY-SECRET-do-not-serve';

beforeAll(async () => {
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>dashboard</title>');
  await writeFile(join(root, 'assets', 'main.js'), 'console.log("dashboard")');
  await writeFile(join(base, 'node-key.json'), SECRET);
  // A sibling folder whose name starts like the root's: a prefix check alone would let it in.
  await mkdir(join(base, 'app', 'dist', 'renderer-evil'));
  await writeFile(join(base, 'app', 'dist', 'renderer-evil', 'x.js'), SECRET);
  await symlink(join(base, 'node-key.json'), join(root, 'assets', 'key-link.js'));
  await symlink(base, join(root, 'up'));
  await symlink(join(base, 'app', 'dist', 'renderer-evil'), join(root, 'evil'));
  // A symlink that stays inside is fine.
  await symlink(join(root, 'assets', 'main.js'), join(root, 'alias.js'));
});

afterAll(() => rm(base, { recursive: true, force: true }));

describe('resolveAppRequest', () => {
  it('serves the renderer files, index.html for the bare origin', async () => {
    expect(await resolveAppRequest(APP_INDEX_URL, root)).toEqual({
      file: join(root, 'index.html'),
    });
    expect(await resolveAppRequest('app://renderer/', root)).toEqual({
      file: join(root, 'index.html'),
    });
    expect(await resolveAppRequest('app://renderer/assets/main.js?v=1#x', root)).toEqual({
      file: join(root, 'assets', 'main.js'),
    });
    expect(await resolveAppRequest('app://renderer/alias.js', root)).toEqual({
      file: join(root, 'assets', 'main.js'),
    });
  });

  it.each([
    ['encoded slashes', 'app://renderer/..%2f..%2f..%2fnode-key.json', /parent/],
    ['backslashes', 'app://renderer/..%5c..%5c..%5cnode-key.json', /backslash/],
    [
      'an absolute path',
      `app://renderer/${encodeURIComponent(join(base, 'node-key.json'))}`,
      /absolute/,
    ],
    [
      'a doubled slash',
      `app://renderer/${join(base, 'node-key.json')}`.replace('renderer/', 'renderer//'),
      /absolute/,
    ],
    ['a Windows drive', 'app://renderer/C:%5CUsers%5Ckey', /backslash|absolute/],
    ['NUL', 'app://renderer/index.html%00.js', /NUL/],
    ['a symlink to a file outside', 'app://renderer/assets/key-link.js', /outside/],
    ['a symlinked folder outside', 'app://renderer/up/node-key.json', /outside/],
    [
      'a symlink to a sibling folder with the same name prefix',
      'app://renderer/evil/x.js',
      /outside/,
    ],
    ['an unknown host', 'app://evil/index.html', /unknown host/],
    ['another scheme', `file://${join(base, 'node-key.json')}`, /scheme/],
    ['a folder', 'app://renderer/assets', /not a file/],
    ['a missing file', 'app://renderer/nope.js', /no such file/],
    ['bad encoding', 'app://renderer/%E0%A4%A', /encoding/],
  ])('refuses %s', async (_what, url, why) => {
    const result = await resolveAppRequest(url, root);
    expect(result).toHaveProperty('refused');
    expect((result as { refused: string }).refused).toMatch(why);
  });

  it.each(['app://renderer/../../../node-key.json', 'app://renderer/%2e%2e/%2E%2E/node-key.json'])(
    'dot segments, literal or encoded, are folded by URL parsing and stay inside the root: %s',
    async (url) => {
      // new URL() turns /../../node-key.json into /node-key.json: not a file of the root.
      expect(await resolveAppRequest(url, root)).toEqual({ refused: 'no such file' });
    },
  );
});

describe('installAppProtocol', () => {
  it('serves files with the desktop CSP and answers 404 (with a log line) for the rest', async () => {
    const protocol = new FakeProtocol();
    const warnings: Array<Record<string, unknown> | undefined> = [];
    installAppProtocol({
      protocol,
      net: fakeNet,
      root,
      log: { warn: (_m, fields) => warnings.push(fields) },
    });
    const ok = await protocol.request(APP_INDEX_URL);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<title>dashboard</title>');
    expect(ok.headers.get('content-security-policy')).toBe(DESKTOP_CSP);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');

    for (const url of [
      'app://renderer/..%2f..%2f..%2fnode-key.json',
      'app://renderer/assets/key-link.js',
    ]) {
      const refused = await protocol.request(url);
      expect(refused.status).toBe(404);
      expect(await refused.text()).not.toContain(SECRET);
    }
    expect(warnings.map((w) => w?.why)).toEqual(['parent segment', 'outside the renderer folder']);
    // The secret's file was never even read.
    expect(fakeNet.fetched.some((u) => u.includes('node-key'))).toBe(false);
  });
});
