import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataFolderLockedError,
  LOCK_FILE,
  lockDataFolder,
  processAlive,
} from '../../../src-main/core/store/data-folder-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lockDataFolder', () => {
  it('writes a 0600 lock with the PID and removes it on release', async () => {
    const lock = await lockDataFolder(dir, { pid: 4242, host: 'rig', isAlive: () => true });
    expect(lock.path).toBe(join(dir, LOCK_FILE));
    expect((await stat(lock.path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: 4242, host: 'rig' });
    await lock.release();
    await expect(stat(lock.path)).rejects.toThrow(/ENOENT/);
    await lock.release(); // idempotent
  });

  it('refuses a second holder while the first PID is alive, naming it', async () => {
    await lockDataFolder(dir, { pid: 100, host: 'rig', isAlive: () => true });
    const second = lockDataFolder(dir, { pid: 200, host: 'rig', isAlive: (p) => p === 100 });
    await expect(second).rejects.toBeInstanceOf(DataFolderLockedError);
    await expect(second).rejects.toThrow(/^Already running \(PID 100\) on this folder/);
  });

  it('takes over a stale lock whose PID is gone', async () => {
    await lockDataFolder(dir, { pid: 100, host: 'rig', isAlive: () => true });
    const lock = await lockDataFolder(dir, { pid: 200, host: 'rig', isAlive: () => false });
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: 200 });
  });

  it('takes over a torn or foreign-format lock file', async () => {
    await writeFile(join(dir, LOCK_FILE), '{"pid":');
    const lock = await lockDataFolder(dir, { pid: 200, host: 'rig', isAlive: () => true });
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: 200 });
  });

  it('treats a lock from another host as live (its PID cannot be probed)', async () => {
    await lockDataFolder(dir, { pid: 100, host: 'other-rig', isAlive: () => false });
    await expect(
      lockDataFolder(dir, { pid: 200, host: 'rig', isAlive: () => false }),
    ).rejects.toThrow(/Already running \(PID 100 on other-rig\)/);
  });

  it('release leaves a lock that another process took over', async () => {
    const mine = await lockDataFolder(dir, { pid: 100, host: 'rig', isAlive: () => true });
    await lockDataFolder(dir, { pid: 200, host: 'rig', isAlive: () => false });
    await mine.release();
    expect(JSON.parse(await readFile(mine.path, 'utf8'))).toMatchObject({ pid: 200 });
  });

  it('processAlive: this process yes, a PID past the kernel limit no', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(2 ** 22 + 1)).toBe(false);
  });
});
