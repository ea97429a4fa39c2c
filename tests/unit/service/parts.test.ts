import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BridgeError, fromReply, toWireError } from '../../../src-main/contract/errors.js';
import { JsonFileSettingsStore } from '../../../src-main/service/settings-store.js';
import { RingBuffer } from '../../../src-main/service/ring-buffer.js';
import { LogHub } from '../../../src-main/service/log-hub.js';
import { createLogger } from '../../../src-main/core/logger.js';
import { defaultSettings } from './fakes.js';

describe('RingBuffer', () => {
  it('keeps the newest items in order and drops the oldest', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.last()).toEqual([3, 4, 5]);
    expect(ring.last(2)).toEqual([4, 5]);
    ring.dropWhile((n) => n < 5);
    expect(ring.last()).toEqual([5]);
    expect(ring.size).toBe(1);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});

describe('LogHub', () => {
  it('gives a late subscriber the newest lines logged before it came, then live ones', () => {
    const hub = new LogHub(3);
    const log = createLogger([hub.sink], { source: 'headless' });
    for (let i = 1; i <= 5; i++) log.info(`line ${i}`);
    const seen: string[] = [];
    const sub = hub.onEntry((e) => seen.push(e.message));
    expect(seen).toEqual(['line 3', 'line 4', 'line 5']);
    log.warn('line 6');
    expect(seen).toEqual(['line 3', 'line 4', 'line 5', 'line 6']);
    sub.dispose();
    log.info('line 7');
    expect(seen).toHaveLength(4);
    // The next dashboard gets the backlog again, bounded.
    const again: string[] = [];
    hub.onEntry((e) => again.push(e.message));
    expect(again).toEqual(['line 5', 'line 6', 'line 7']);
  });
});

describe('toWireError', () => {
  it('keeps name, message and a string code; handles non-errors', () => {
    const e = Object.assign(new TypeError('bad'), { code: 'E1' });
    expect(toWireError(e)).toEqual({ name: 'TypeError', message: 'bad', code: 'E1' });
    expect(toWireError(Object.assign(new Error('x'), { code: 404 }))).toMatchObject({
      code: '404',
    });
    expect(toWireError('plain')).toEqual({ name: 'Error', message: 'plain' });
    expect(() => fromReply({ error: { name: 'X', message: 'm' } })).toThrow(BridgeError);
  });
});

describe('JsonFileSettingsStore', () => {
  it('saves atomically with 0600, loads back, and fills fields missing from older files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settings-'));
    try {
      const path = join(dir, 'sub', 'settings.json');
      const store = new JsonFileSettingsStore(path, defaultSettings);
      expect(await store.load()).toEqual(defaultSettings);
      await store.save({ ...defaultSettings, theme: 'dark' });
      expect((await store.load()).theme).toBe('dark');
      await writeFile(path, JSON.stringify({ keepAwake: true }));
      expect(await store.load()).toEqual({ ...defaultSettings, keepAwake: true });
      expect(store.lastProblem).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('falls back to defaults on a broken file and says why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settings-'));
    try {
      const path = join(dir, 'settings.json');
      await writeFile(path, '{ not json');
      const store = new JsonFileSettingsStore(path, defaultSettings);
      expect(await store.load()).toEqual(defaultSettings);
      expect(store.lastProblem).toMatch(/not valid JSON.*default settings/);
      await writeFile(path, JSON.stringify({ theme: 'neon' }));
      await store.load();
      expect(store.lastProblem).toMatch(/theme/);
      expect(await readFile(path, 'utf8')).toContain('neon'); // left for the operator to see
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
