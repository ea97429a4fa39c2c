import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import {
  GpuSampler,
  type ChildLike,
  type SpawnFn,
} from '../../../src-main/core/runtime/gpu/gpu-sampler.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const loop = readFileSync(path.resolve('tests/fixtures/nvidia-smi/loop-550-two-gpus.txt'), 'utf8');

class FakeChild extends EventEmitter implements ChildLike {
  stdout = new PassThrough();
  stderr = new PassThrough();
  killed: NodeJS.Signals | null = null;
  constructor(readonly args: string[]) {
    super();
  }
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.killed = signal;
    this.exit(null, signal);
    return true;
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.emit('exit', code, signal);
  }
}

function fakeSpawn(): SpawnFn & { children: FakeChild[] } {
  const children: FakeChild[] = [];
  const fn: SpawnFn = (_file, args) => {
    const child = new FakeChild(args);
    children.push(child);
    return child;
  };
  return Object.assign(fn, { children });
}

const tick = () => new Promise((r) => setImmediate(r));

function sampler(spawn: SpawnFn, clock: ManualClock) {
  return new GpuSampler({
    nvidiaSmi: '/usr/bin/nvidia-smi',
    spawn,
    clock,
    logger: silentLogger,
    intervalMs: 500,
  });
}

describe('GpuSampler', () => {
  it('runs ONE nvidia-smi with -lms and parses lines as they stream, even split mid-line', async () => {
    const clock = new ManualClock();
    const spawn = fakeSpawn();
    const s = sampler(spawn, clock);
    const seen: Array<[number, number | null]> = [];
    s.onSample((x) => seen.push([x.index, x.utilizationPct]));
    s.start();
    expect(spawn.children).toHaveLength(1);
    const child = spawn.children[0]!;
    expect(child.args).toEqual(
      expect.arrayContaining(['-lms', '500', '--format=csv,noheader,nounits']),
    );

    // Feed the recording in awkward chunks.
    for (let i = 0; i < loop.length; i += 37) child.stdout.write(loop.slice(i, i + 37));
    await tick();
    expect(seen).toEqual([
      [0, 0],
      [1, 12],
      [0, 0],
      [1, 88],
      [0, 0],
      [1, 97],
    ]);
    expect(s.latest().map((g) => [g.index, g.powerW])).toEqual([
      [0, 23.9],
      [1, 286.45],
    ]);
    expect(s.history()).toHaveLength(6);
    expect(spawn.children).toHaveLength(1);
    s.stop();
    expect(child.killed).toBe('SIGTERM');
  });

  it('starts nvidia-smi again with growing backoff when it dies, and not after stop()', async () => {
    const clock = new ManualClock();
    const spawn = fakeSpawn();
    const s = sampler(spawn, clock);
    s.start();
    spawn.children[0]!.exit(15);
    clock.advance(999);
    expect(spawn.children).toHaveLength(1);
    clock.advance(1);
    expect(spawn.children).toHaveLength(2);
    spawn.children[1]!.exit(1);
    clock.advance(1999);
    expect(spawn.children).toHaveLength(2);
    clock.advance(1);
    expect(spawn.children).toHaveLength(3);
    expect(s.restarts).toBe(2);

    // The restarted process streams again.
    spawn.children[2]!.stdout.write(loop.split('\n')[0] + '\n');
    await tick();
    expect(s.latest()).toHaveLength(1);

    s.stop();
    clock.advance(120_000);
    expect(spawn.children).toHaveLength(3);
  });

  it('resets the backoff after a process that lived long enough', () => {
    const clock = new ManualClock();
    const spawn = fakeSpawn();
    const s = sampler(spawn, clock);
    s.start();
    spawn.children[0]!.exit(1);
    clock.advance(1000);
    spawn.children[1]!.exit(1);
    clock.advance(2000);
    clock.advance(60_000); // child 2 lived a minute
    spawn.children[2]!.exit(1);
    clock.advance(1000);
    expect(spawn.children).toHaveLength(4);
    s.stop();
  });

  it('falls back to the legacy field list when the driver rejects compute_cap', async () => {
    const clock = new ManualClock();
    const spawn = fakeSpawn();
    const s = sampler(spawn, clock);
    s.start();
    const first = spawn.children[0]!;
    expect(first.args[0]).toContain('compute_cap');
    first.stdout.write('Field "compute_cap" is not a valid field to query.\n\n');
    await tick();
    first.exit(2);
    expect(spawn.children).toHaveLength(2);
    const second = spawn.children[1]!;
    expect(second.args[0]).not.toContain('compute_cap');
    second.stdout.write(
      readFileSync(path.resolve('tests/fixtures/nvidia-smi/driver-470-legacy.csv'), 'utf8'),
    );
    await tick();
    expect(s.latest()[0]).toMatchObject({ name: 'Tesla T4', computeCap: null });
    s.stop();
  });

  it('survives a spawn that throws (binary vanished) by retrying later', () => {
    const clock = new ManualClock();
    let calls = 0;
    const spawn: SpawnFn = (file, args) => {
      calls++;
      if (calls === 1) throw new Error('spawn ENOENT');
      return new FakeChild(args);
    };
    const s = sampler(spawn, clock);
    s.start();
    expect(calls).toBe(1);
    clock.advance(1000);
    expect(calls).toBe(2);
    s.stop();
  });
});
