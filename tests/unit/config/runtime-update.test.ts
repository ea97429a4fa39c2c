import { describe, expect, it } from 'vitest';
import { RuntimeFollower } from '../../../src-main/core/config/runtime-follower.js';
import {
  NO_RUNTIME_UPDATE,
  runtimeImageRequest,
} from '../../../src-main/core/config/runtime-image-request.js';
import { runtimePlanFor } from '../../../src-main/core/config/runtime-plan.js';
import { HELD_FOR_SWITCH, RuntimeUpdater } from '../../../src-main/core/config/runtime-update.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import type { ConfigSnapshot, VerifiedSnapshot } from '../../../src-main/core/protocol/index.js';
import type {
  InferenceRequest,
  InferenceResult,
  RuntimePlan,
} from '../../../src-main/core/runtime/runtime.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const OLD = `sha256:${'a'.repeat(64)}`;
const NEW = `sha256:${'b'.repeat(64)}`;
const image = (id: string, digest: string, min_driver?: number) => ({
  id,
  repository: 'vllm/vllm-openai',
  tag: id,
  digest,
  ...(min_driver === undefined ? {} : { min_driver }),
});

function snapshot(wanted: string, serial = 1): ConfigSnapshot {
  const base = defaultSnapshot('local', {}, 1);
  return {
    ...base,
    serial,
    runtime: {
      ...base.runtime,
      images: [image('old', OLD), image('new', NEW, 580)],
    },
    updates: { ...base.updates, runtime: { image_digest: wanted } },
  };
}
const verified = (s: ConfigSnapshot) =>
  ({ snapshot: s, digest: `sha256:${String(s.serial).padStart(64, '0')}` }) as VerifiedSnapshot;

describe('runtimeImageRequest: updates.runtime.image_digest against runtime.images', () => {
  it('the all-zero digest requests nothing: the driver rule picks the image', () => {
    const s = snapshot(NO_RUNTIME_UPDATE);
    expect(runtimeImageRequest(s, 590)).toBeNull();
    expect(runtimePlanFor(s, { driverMajor: 590 }).image?.digest).toBe(NEW);
    expect(runtimePlanFor(s, { driverMajor: null }).image?.digest).toBe(OLD);
  });

  it('a listed digest this driver runs is the image served, even where the rule picks another', () => {
    const s = snapshot(OLD);
    expect(runtimeImageRequest(s, 590)).toMatchObject({ digest: OLD, refused: null });
    expect(runtimePlanFor(s, { driverMajor: 590 }).image?.digest).toBe(OLD);
  });

  it('an unlisted digest, or one needing a newer driver, is refused and the rule picks as before', () => {
    const unlisted = snapshot(`sha256:${'c'.repeat(64)}`);
    expect(runtimeImageRequest(unlisted, 590)?.refused).toMatch(/lists no runtime image/);
    expect(runtimePlanFor(unlisted, { driverMajor: 590 }).image?.digest).toBe(NEW);
    const tooNew = snapshot(NEW);
    expect(runtimeImageRequest(tooNew, 575)?.refused).toMatch(/driver 580 or newer.*has 575/);
    expect(runtimePlanFor(tooNew, { driverMajor: 575 }).image?.digest).toBe(OLD);
    // Driver unknown (no GPU, simulated runtime): a listed image is followed.
    expect(runtimeImageRequest(tooNew, null)?.refused).toBeNull();
  });
});

/** A runtime that records what it serves; the image named `failing` fails its completions. */
class FakeRuntime {
  serving: string | null = null;
  applied: string[] = [];
  pulled: string[] = [];
  tests = 0;
  failing = new Set<string>();
  pullFails = false;
  status() {
    return { simulated: false } as never;
  }
  async prefetch(plan: RuntimePlan): Promise<void> {
    if (this.pullFails) throw new Error('registry unreachable');
    this.pulled.push(plan.image!.digest);
  }
  async apply(plan: RuntimePlan): Promise<void> {
    this.applied.push(plan.image!.digest);
    this.serving = plan.image!.digest;
  }
  async infer(req: InferenceRequest): Promise<InferenceResult> {
    this.tests++;
    expect(req.maxTokens).toBeLessThanOrEqual(16);
    if (this.failing.has(this.serving!)) throw new Error('HTTP 500 from the runtime');
    return {
      text: 'ready',
      finishReason: 'stop',
      usage: { prompt_tokens: 5, completion_tokens: 1 },
      startedAt: 0,
      firstTokenAt: 0,
      finishedAt: 0,
    };
  }
}

function setup() {
  const clock = new ManualClock();
  const runtime = new FakeRuntime();
  const jobs = { running: 0 };
  const updates = new RuntimeUpdater({
    runtime,
    inFlight: () => jobs.running,
    clock,
    logger: silentLogger,
    pollMs: 100,
  });
  const outcomes: (string | null)[] = [];
  const follower = new RuntimeFollower(
    runtime,
    () => ({ driverMajor: 590 }),
    silentLogger,
    async (_t, error) => void outcomes.push(error),
    updates,
  );
  return { clock, runtime, jobs, updates, follower, outcomes };
}

describe('RuntimeUpdater through the RuntimeFollower', () => {
  it('pulls while the old image serves, switches only once no job runs, tests, and reports done', async () => {
    const { clock, runtime, jobs, updates, follower, outcomes } = setup();
    await follower.follow(verified(snapshot(OLD)));
    expect(runtime.serving).toBe(OLD);
    expect(updates.report()).toMatchObject({ digest: OLD, state: 'done' });

    jobs.running = 2;
    const states: string[] = [];
    updates.onChange((r) => states.push(r!.state));
    const done = follower.follow(verified(snapshot(NEW, 2)));
    await clock.advanceAsync(1000, 100);
    // Pulled; the old image still serves the two running jobs; new jobs are held back.
    expect(runtime.pulled).toEqual([NEW]);
    expect(runtime.serving).toBe(OLD);
    expect(updates.report()?.state).toBe('switching');
    expect(updates.held()).toBe(HELD_FOR_SWITCH);
    jobs.running = 0;
    await clock.advanceAsync(200, 100);
    await done;
    expect(runtime.serving).toBe(NEW);
    expect(runtime.tests).toBe(1);
    expect(states).toEqual(['pulling', 'switching', 'done']);
    expect(updates.report()).toMatchObject({ digest: NEW, state: 'done' });
    expect(updates.held()).toBeNull();
    expect(outcomes.at(-1)).toBeNull();
  });

  it('goes back to the previous image when the test inference fails, and does not try it again', async () => {
    const { runtime, updates, follower, outcomes } = setup();
    await follower.follow(verified(snapshot(OLD)));
    runtime.failing.add(NEW);
    await follower.follow(verified(snapshot(NEW, 2)));
    expect(runtime.applied).toEqual([OLD, NEW, OLD]);
    expect(runtime.serving).toBe(OLD);
    expect(updates.report()).toMatchObject({ digest: NEW, state: 'rolled_back' });
    expect(updates.report()?.error).toMatch(/test inference on the new image failed: HTTP 500/);
    expect(updates.held()).toBeNull();
    // The node keeps serving: the configuration is not failed.
    expect(outcomes.at(-1)).toBeNull();
    // The same request again (next check, a new serial) leaves the old image serving.
    await follower.follow(verified(snapshot(NEW, 3)));
    expect(runtime.applied).toEqual([OLD, NEW, OLD]);
  });

  it('a failed download keeps the old image serving and reports failed', async () => {
    const { runtime, updates, follower, outcomes } = setup();
    await follower.follow(verified(snapshot(OLD)));
    runtime.pullFails = true;
    await follower.follow(verified(snapshot(NEW, 2)));
    expect(runtime.applied).toEqual([OLD]);
    expect(updates.report()).toMatchObject({ digest: NEW, state: 'failed' });
    expect(outcomes.at(-1)).toMatch(/could not be downloaded: registry unreachable/);
  });

  it('a request this node cannot follow is reported refused and changes nothing', async () => {
    const { runtime, updates, follower } = setup();
    const only = (wanted: string, serial: number) => {
      const s = snapshot(wanted, serial);
      s.runtime.images = [image('old', OLD)];
      return verified(s);
    };
    await follower.follow(only(NO_RUNTIME_UPDATE, 1));
    expect(updates.report()).toBeNull();
    const unlisted = `sha256:${'c'.repeat(64)}`;
    await follower.follow(only(unlisted, 2));
    expect(runtime.applied).toEqual([OLD]);
    expect(updates.report()).toMatchObject({ digest: unlisted, state: 'refused' });
    expect(updates.report()?.error).toMatch(/lists no runtime image with that digest/);
  });

  it('a runtime the operator runs (no image download, not simulated) is not switched or reported', async () => {
    const clock = new ManualClock();
    const applied: string[] = [];
    const runtime = {
      apply: async (plan: RuntimePlan) => void applied.push(plan.image!.digest),
      infer: async () => {
        throw new Error('no test inference expected');
      },
      status: () => ({ simulated: false }) as never,
    };
    const updates = new RuntimeUpdater({ runtime, inFlight: () => 0, clock, logger: silentLogger });
    const follower = new RuntimeFollower(
      runtime,
      () => ({ driverMajor: 590 }),
      silentLogger,
      async () => undefined,
      updates,
    );
    await follower.follow(verified(snapshot(OLD)));
    await follower.follow(verified(snapshot(NEW, 2)));
    expect(applied).toEqual([OLD, NEW]);
    expect(updates.report()).toBeNull();
  });
});
