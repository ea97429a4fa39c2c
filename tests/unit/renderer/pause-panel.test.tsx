// @vitest-environment happy-dom
// The GPU page's pause panel and the Overview timeline's pauses, rendered from the real stores:
// what triggered, the phase, what is known about the GPU memory (never a made-up figure), the
// jobs handed back, Resume / Pause for a while.
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  GpuSampleDto,
  NodeStateDto,
  PauseDto,
  TimelineSegmentDto,
} from '../../../src-main/contract/index.js';
import { formatClock } from '../../../src-renderer/src/lib/format.js';
import { GpuPage } from '../../../src-renderer/src/pages/GpuPage.js';
import { memoryAfterPause } from '../../../src-renderer/src/pages/gpu/pause-memory.js';
import { StatusTimeline } from '../../../src-renderer/src/pages/overview/StatusTimeline.js';
import { setBridge } from '../../../src-renderer/src/stores/bridge-ref.js';
import { applySnapshot } from '../../../src-renderer/src/stores/wire-stores.js';
import { FakeBridge, snapshot } from './fake-bridge.js';
import { resetAllStores } from './reset-stores.js';
import { mount, unmountAll } from './mount.js';

const words = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ');
const panel = (page: HTMLElement) => page.querySelector('[data-testid="gpu-pause-panel"]');
const card = (page: HTMLElement) => panel(page)!.closest('.card') ?? panel(page)!.parentElement!;

beforeEach(() => resetAllStores({ schedule: () => undefined }));
afterEach(async () => {
  await unmountAll();
  resetAllStores();
});

const T = Date.UTC(2026, 11, 2, 14, 0, 0); // the trigger
const STOPPED = T + 11_600; // the runtime stopped 11.6 s later
const serving: PauseDto = {
  phase: 'serving',
  headline: null,
  requests: [],
  since: null,
  runtimeStoppedAt: null,
  vramFreedAfterMs: null,
  handedBack: 0,
};
const game: PauseDto = {
  phase: 'paused',
  headline: 'Paused — a game is using the GPU, resumes when it closes',
  requests: [
    {
      source: 'foreign-gpu-process',
      reason: 'a game is using the GPU',
      resumes: 'resumes when it closes',
      since: T,
      until: null,
    },
  ],
  since: T,
  runtimeStoppedAt: STOPPED,
  vramFreedAfterMs: STOPPED - T,
  handedBack: 3,
};
const sample = (ts: number, memoryUsedMb: number | null): GpuSampleDto => ({
  ts,
  index: 0,
  utilizationPct: 50,
  memoryUsedMb,
  memoryTotalMb: 24_576,
  temperatureC: 60,
  powerW: 200,
});

function show(pause: PauseDto, samples: GpuSampleDto[] = [], node: Partial<NodeStateDto> = {}) {
  const base = snapshot();
  applySnapshot(
    snapshot({
      node: {
        ...base.node,
        state: 'draining',
        runtime: { kind: 'docker', state: 'stopped', detail: '', simulated: false },
        pause,
        ...node,
      },
      gpuHistory: samples,
    }),
  );
}

describe('GPU page pause panel', () => {
  it('paused by a game: the cause, since when, memory freed as the readings show, jobs handed back', async () => {
    show(game, [sample(T - 2000, 21_000), sample(T + 5000, 21_000), sample(STOPPED + 900, 600)]);
    const page = await mount(<GpuPage />);
    const out = words(card(page));
    expect(out).toContain('Paused — a game is using the GPU, resumes when it closes');
    expect(out).toContain('a game is using the GPU — resumes when it closes.');
    expect(out).toContain(`Since ${formatClock(T)}.`);
    expect(out).toContain('Paused: the runtime is stopped and the node takes no jobs.');
    expect(out).toContain(
      `GPU memory freed 11.6 s after the pause: the runtime stopped at ${formatClock(STOPPED)}.`,
    );
    expect(out).toContain(
      `GPU 0: 20.5 GiB in use before the pause, 600 MiB at ${formatClock(STOPPED + 900)}.`,
    );
    expect(out).toContain('3 unfinished job(s) were handed back to the network');
    // Paused by a trigger, not by hand: the operator may still pause it for a while.
    expect(out).toContain('Pause until I resume');
    expect(out).not.toContain('Resume ');
  });

  it('no GPU reading after the stop: says when the runtime stopped and claims no memory figure', async () => {
    show(game, [sample(T - 2000, 21_000)]);
    const out = words(card(await mount(<GpuPage />)));
    expect(out).toContain(
      `The runtime stopped 11.6 s after the pause (at ${formatClock(STOPPED)}).`,
    );
    expect(out).toContain('No GPU reading from before the pause and after the stop');
    expect(out).not.toContain('GPU memory freed');
  });

  it('readings that show no drop are reported as such, not as memory freed', async () => {
    show(game, [sample(T - 2000, 21_000), sample(STOPPED + 1000, 21_500)]);
    const out = words(card(await mount(<GpuPage />)));
    expect(out).not.toContain('GPU memory freed');
    expect(out).toContain('GPU 0 still used 21.0 GiB');
    expect(out).toContain('another program may be using its memory');
  });

  it('the SIMULATED runtime holds no GPU memory: no figure from the readings', async () => {
    show(game, [sample(T - 2000, 900), sample(STOPPED + 900, 900)], {
      runtime: { kind: 'sim', state: 'stopped', detail: '', simulated: true },
    });
    const out = words(card(await mount(<GpuPage />)));
    expect(out).toContain('It is the SIMULATED runtime, which holds no GPU memory');
    expect(out).not.toContain('GPU memory freed');
  });

  it('phases while pausing: finishing jobs, then stopping the runtime; then resuming', async () => {
    const pausing = {
      ...game,
      phase: 'pausing' as const,
      runtimeStoppedAt: null,
      vramFreedAfterMs: null,
    };
    show({ ...pausing, pausingStep: 'finishing_jobs' });
    const page = await mount(<GpuPage />);
    expect(words(card(page))).toContain('Finishing jobs: running jobs get up to 10 s');
    expect(words(card(page))).not.toContain('handed back');
    await act(async () => show({ ...pausing, pausingStep: 'stopping_runtime' }));
    expect(words(card(page))).toContain('Stopping the runtime to free its GPU memory.');
    await act(async () => show({ ...game, phase: 'resuming' }));
    expect(words(card(page))).toContain('Resuming: the runtime is starting again');
  });

  it('a manual pause offers Resume; serving offers Pause for 15 min / 1 h / until I resume', async () => {
    const bridge = new FakeBridge();
    setBridge(bridge);
    const manual: PauseDto = {
      ...game,
      headline: 'Paused — paused by you, until you resume',
      requests: [
        {
          ...game.requests[0]!,
          source: 'manual',
          reason: 'paused by you',
          resumes: 'until you resume',
        },
      ],
    };
    bridge.handle('resume', () => ({ ...snapshot().node, state: 'active', pause: serving }));
    bridge.handle('pause', () => ({ ...snapshot().node, state: 'draining', pause: manual }));
    show(manual);
    const page = await mount(<GpuPage />);
    const button = (label: string) =>
      [...card(page).querySelectorAll('button')].find((b) => b.textContent === label);
    expect(button('Resume')).toBeDefined();
    await act(async () => button('Resume')!.click());
    expect(bridge.calls.map((c) => c.command)).toEqual(['resume']);
    // Serving again: the last pause is told, and the choices to pause again are offered.
    await act(async () =>
      show({ ...serving, runtimeStoppedAt: STOPPED, vramFreedAfterMs: 11_600, handedBack: 3 }, [], {
        state: 'active',
      }),
    );
    const out = words(card(page));
    expect(out).toContain('Last pause');
    expect(out).toContain(`The last pause began at ${formatClock(T)}; it is over.`);
    expect(
      ['Pause for 15 min', 'Pause for 1 h', 'Pause until I resume'].map((l) => !!button(l)),
    ).toEqual([true, true, true]);
    await act(async () => button('Pause for 15 min')!.click());
    await act(async () => button('Pause until I resume')?.click());
    expect(bridge.calls).toEqual([
      { command: 'resume', arg: undefined },
      { command: 'pause', arg: { minutes: 15 } },
    ]);
  });

  it('a stopped node that never paused shows no pause buttons', async () => {
    show(serving, [], { state: 'stopped' });
    const out = words(card(await mount(<GpuPage />)));
    expect(out).not.toContain('Pause for 15 min');
  });

  it('memoryAfterPause pairs the last reading before the trigger with the first after the stop', () => {
    const readings = memoryAfterPause(game, {
      0: [
        sample(T - 4000, 20_000),
        sample(T - 1000, 21_000),
        sample(STOPPED - 10, null),
        sample(STOPPED + 500, 700),
        sample(STOPPED + 1500, 650),
      ],
      1: [{ ...sample(STOPPED + 500, 5), index: 1 }],
    });
    expect(readings).toEqual([
      {
        gpu: 0,
        beforeMb: 21_000,
        beforeAt: T - 1000,
        afterMb: 700,
        afterAt: STOPPED + 500,
        dropped: true,
      },
    ]);
    expect(memoryAfterPause(serving, { 0: [sample(T, 1)] })).toEqual([]);
  });
});

describe('the Overview timeline shows pauses with their reason', () => {
  it('draws a paused stretch with its words and counts paused time apart from serving', async () => {
    const now = T + 3 * 3600_000;
    const segments: TimelineSegmentDto[] = [
      { from: T, to: T + 3600_000, phase: 'serving', text: 'Serving jobs' },
      {
        from: T + 3600_000,
        to: T + 2 * 3600_000,
        phase: 'paused',
        text: 'Not getting jobs because this node is paused on this computer: a game is using the GPU, resumes when it closes',
      },
    ];
    const el = await mount(<StatusTimeline segments={segments} now={now} running={false} />);
    const seg = el.querySelector('[data-phase="paused"]')!;
    expect(seg.getAttribute('title')).toContain('a game is using the GPU, resumes when it closes');
    expect(seg.getAttribute('aria-label')).toContain('Paused on this computer');
    expect(words(el)).toContain('Serving for 1 h 0 min; paused for 1 h 0 min (striped)');
  });
});
