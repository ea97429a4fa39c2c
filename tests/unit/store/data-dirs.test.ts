import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NetworkName } from '../../../src-main/core/protocol/networks.js';
import {
  defaultDataRoot,
  ensureDataDirs,
  resolveDataDirs,
} from '../../../src-main/core/store/data-dirs.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'data-dirs-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const STATE_KEYS = ['keys', 'snapshots', 'journal', 'logs', 'settings'] as const;

describe('resolveDataDirs', () => {
  it('puts every folder under <root>/<network>', () => {
    const dirs = resolveDataDirs(root, 'testnet');
    expect(dirs.base).toBe(join(root, 'testnet'));
    expect(dirs.network).toBe('testnet');
    for (const key of STATE_KEYS) {
      expect(relative(dirs.base, dirs[key]).startsWith('..')).toBe(false);
      expect(dirs[key].startsWith(dirs.base + sep)).toBe(true);
    }
    expect(Object.isFrozen(dirs)).toBe(true);
  });

  it('keeps two networks in disjoint folders', () => {
    const a = resolveDataDirs(root, 'testnet');
    const b = resolveDataDirs(root, 'mainnet');
    const aPaths = [a.base, ...STATE_KEYS.map((k) => a[k])];
    const bPaths = [b.base, ...STATE_KEYS.map((k) => b[k])];
    for (const p of aPaths) {
      for (const q of bPaths) {
        expect(p.startsWith(q + sep) || q.startsWith(p + sep) || p === q).toBe(false);
      }
    }
  });

  it('rejects a network name that is not one of ours (no path tricks)', () => {
    expect(() => resolveDataDirs(root, '../testnet' as NetworkName)).toThrow(/Unknown network/);
    expect(() => resolveDataDirs(root, 'mainnet/../testnet' as NetworkName)).toThrow(
      /Unknown network/,
    );
  });
});

describe('ensureDataDirs', () => {
  it('creates all folders private to the user', async () => {
    const dirs = resolveDataDirs(join(root, 'nested', 'data'), 'local');
    await ensureDataDirs(dirs);
    for (const p of [dirs.base, ...STATE_KEYS.map((k) => dirs[k])]) {
      const s = await stat(p);
      expect(s.isDirectory()).toBe(true);
      if (process.platform !== 'win32') expect(s.mode & 0o777).toBe(0o700);
    }
    // Idempotent.
    await ensureDataDirs(dirs);
  });
});

describe('defaultDataRoot', () => {
  it('follows XDG on Linux, falling back to ~/.local/share', () => {
    expect(defaultDataRoot('linux', { XDG_DATA_HOME: '/x/data' }, '/home/u')).toBe(
      '/x/data/resultity-node',
    );
    expect(defaultDataRoot('linux', {}, '/home/u')).toBe('/home/u/.local/share/resultity-node');
    // A relative XDG_DATA_HOME is invalid per the spec and ignored.
    expect(defaultDataRoot('linux', { XDG_DATA_HOME: 'rel' }, '/home/u')).toBe(
      '/home/u/.local/share/resultity-node',
    );
  });

  it('uses Application Support on macOS and APPDATA on Windows', () => {
    expect(defaultDataRoot('darwin', {}, '/Users/u')).toBe(
      '/Users/u/Library/Application Support/Resultity Node',
    );
    expect(
      defaultDataRoot('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u'),
    ).toBe('C:\\Users\\u\\AppData\\Roaming\\Resultity Node');
    expect(defaultDataRoot('win32', {}, 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Resultity Node',
    );
  });

  it('lets RESULTITY_DATA_DIR override every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(defaultDataRoot(platform, { RESULTITY_DATA_DIR: '/srv/rn' }, '/home/u')).toBe(
        '/srv/rn',
      );
    }
  });
});
