import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import { DevnetCore } from '../../../src-main/devnet/io/core.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';
import { networkKeyFrom } from '../../../src-main/devnet/io/network-key.js';
import { resolveOptions } from '../../../src-main/devnet/io/options.js';
import { SaveGate } from '../../../src-main/devnet/io/save-gate.js';
import { openStateStore } from '../../../src-main/devnet/io/state-store.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const turn = () => new Promise((r) => setImmediate(r));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rn-devnet-save-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What another process reading the state folder right now would find. */
function savedJobIds(): string[] {
  const db = new DatabaseSync(path.join(dir, 'devnet.sqlite'), { readOnly: true });
  try {
    return db
      .prepare('SELECT id FROM jobs ORDER BY id')
      .all()
      .map((r) => String(r.id));
  } finally {
    db.close();
  }
}

describe('devnet: saved before answered', () => {
  it('a submission is in the state folder when submitJobs returns (not 100 ms later)', () => {
    const clock = new ManualClock();
    const opts = resolveOptions({ clock, stateDir: dir, logger: silentLogger });
    const store = openStateStore(dir, silentLogger);
    const core = new DevnetCore(
      opts,
      networkKeyFrom(),
      defaultSnapshot('local', {}, clock.now()),
      store.load(),
      store,
    );
    store.attach(core);
    try {
      const ids = core.submitJobs({ count: 3 });
      expect(savedJobIds()).toEqual([...ids].sort());
    } finally {
      core.close();
      store.close();
    }
  });

  it('answers wait for one shared commit, and are not sent when the commit fails', async () => {
    let commits = 0;
    let ok = true;
    const gate = new SaveGate({ commit: () => (commits++, ok) }, silentLogger);
    const sent: string[] = [];
    gate.whenSaved(() => sent.push('a'));
    gate.whenSaved(() => sent.push('b'));
    expect(sent).toEqual([]);
    await turn();
    expect(sent).toEqual(['a', 'b']);
    expect(commits).toBe(1);
    ok = false;
    gate.whenSaved(() => sent.push('c'));
    await turn();
    expect(sent).toEqual(['a', 'b']);
    expect(commits).toBe(2);
  });
});
