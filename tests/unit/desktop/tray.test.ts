import { describe, expect, it } from 'vitest';
import type { NodeStateName } from '../../../src-main/contract/index.js';
import {
  TrayController,
  buildTrayMenu,
  trayIconPath,
  trayStateFor,
} from '../../../src-main/desktop/tray.js';
import { FakeMenu, FakeTray } from '../../helpers/fake-electron.js';
import { nodeState } from '../service/fakes.js';

const noop = { start() {}, stop() {}, pause() {}, resume() {}, openDashboard() {}, quit() {} };
const labels = (state: NodeStateName, err: string | null = null) =>
  buildTrayMenu(nodeState({ state }), err, noop).map((i) => i.label ?? '---');

describe('tray menu per state', () => {
  it('offers Start when stopped, Stop when starting/active/degraded, nothing while draining', () => {
    expect(labels('stopped')).toEqual([
      'Resultity Node: Stopped',
      '---',
      'Start node',
      'Open dashboard',
      '---',
      'Quit Resultity Node',
    ]);
    expect(labels('not_initialised')[2]).toBe('Start node');
    expect(labels('registering')).toContain('Stop node');
    expect(labels('registering')[0]).toBe('Resultity Node: Starting…');
    expect(labels('active')).toContain('Stop node');
    expect(labels('active')[0]).toBe('Resultity Node: Serving jobs');
    expect(labels('degraded')[0]).toBe('Resultity Node: Needs attention');
    expect(labels('degraded')).toContain('Stop node');
    expect(labels('draining')).toContain('Stopping… (finishing jobs)');
    expect(labels('draining')).not.toContain('Stop node');
    expect(labels('stopped', 'Docker is not running.')).toContain('Start node');
    expect(labels('stopped', 'Docker is not running.')[0]).toBe('Resultity Node: Error');
  });

  it('maps node states to the icons', () => {
    expect(trayStateFor('stopped', null)).toBe('stopped');
    expect(trayStateFor('testing', null)).toBe('starting');
    expect(trayStateFor('active', null)).toBe('active');
    expect(trayStateFor('draining', null)).toBe('degraded');
    expect(trayStateFor('active', 'boom')).toBe('error');
    expect(trayIconPath('/i', 'active', 'linux')).toBe('/i/active.png');
    expect(trayIconPath('/i', 'error', 'darwin')).toBe('/i/errorTemplate.png');
  });
});

describe('TrayController', () => {
  it('follows the node: icon, tooltip with the reason, menu actions', () => {
    FakeTray.instances = [];
    const calls: string[] = [];
    const controller = new TrayController(
      {
        Tray: FakeTray,
        Menu: FakeMenu,
        iconDir: '/icons',
        platform: 'linux',
        actions: {
          start: () => calls.push('start'),
          stop: () => calls.push('stop'),
          pause: (m: number | null) => calls.push(`pause:${m}`),
          resume: () => calls.push('resume'),
          openDashboard: () => calls.push('open'),
          quit: () => calls.push('quit'),
        },
      },
      nodeState(),
    );
    const tray = FakeTray.instances[0]!;
    expect(tray.image).toBe('/icons/stopped.png');
    tray.clickItem('Start node');
    controller.update(nodeState({ state: 'active', reason: 'Serving.' }));
    expect(tray.image).toBe('/icons/active.png');
    tray.clickItem('Stop node');
    controller.update(
      nodeState({ state: 'degraded', reason: 'The GPU is too hot; check cooling.' }),
    );
    expect(tray.image).toBe('/icons/degraded.png');
    expect(tray.toolTip).toContain('The GPU is too hot');
    controller.setError('Docker is not running.');
    expect(tray.image).toBe('/icons/error.png');
    expect(controller.state).toBe('error');
    // The error clears when the node moves on.
    controller.update(nodeState({ state: 'stopped' }));
    expect(controller.state).toBe('stopped');
    tray.clickItem('Open dashboard');
    tray.emit('click');
    tray.clickItem('Quit Resultity Node');
    expect(calls).toEqual(['start', 'stop', 'open', 'open', 'quit']);
  });
});

const notPaused = {
  phase: 'serving' as const,
  headline: null,
  requests: [],
  since: null,
  runtimeStoppedAt: null,
  vramFreedAfterMs: null,
  handedBack: 0,
};
const game = {
  ...notPaused,
  phase: 'paused' as const,
  headline: 'Paused — a game is using the GPU, resumes when it closes',
  requests: [
    {
      source: 'foreign-gpu-process' as const,
      reason: 'a game is using the GPU',
      resumes: 'resumes when it closes',
      since: 1,
      until: null,
    },
  ],
  since: 1,
};

describe('tray and the operator pause', () => {
  it('offers Pause for N minutes / until I resume while running, Resume when paused by hand', () => {
    const calls: string[] = [];
    const actions = {
      ...noop,
      pause: (m: number | null) => calls.push(`pause:${m}`),
      resume: () => calls.push('resume'),
    };
    const running = buildTrayMenu(nodeState({ state: 'active', pause: notPaused }), null, actions);
    expect(running.map((i) => i.label)).toEqual(
      expect.arrayContaining(['Pause for 30 minutes', 'Pause for 1 hour', 'Pause until I resume']),
    );
    running.find((i) => i.label === 'Pause for 30 minutes')!.click!();
    running.find((i) => i.label === 'Pause until I resume')!.click!();
    const byHand = {
      ...game,
      requests: [{ ...game.requests[0]!, source: 'manual' as const }],
    };
    const paused = buildTrayMenu(nodeState({ state: 'draining', pause: byHand }), null, actions);
    expect(paused.map((i) => i.label)).toContain('Resume');
    expect(paused.map((i) => i.label)).not.toContain('Stopping… (finishing jobs)');
    paused.find((i) => i.label === 'Resume')!.click!();
    expect(calls).toEqual(['pause:30', 'pause:null', 'resume']);
    // A stopped node offers no pause (Start is the action).
    const stopped = buildTrayMenu(nodeState({ state: 'stopped', pause: notPaused }), null, actions);
    expect(stopped.map((i) => i.label)).not.toContain('Pause for 30 minutes');
  });

  it('shows the paused icon and says why and when it resumes in the tooltip', () => {
    FakeTray.instances = [];
    const controller = new TrayController(
      { Tray: FakeTray, Menu: FakeMenu, iconDir: '/icons', platform: 'linux', actions: noop },
      nodeState({ state: 'active', pause: notPaused }),
    );
    const tray = FakeTray.instances[0]!;
    expect(tray.image).toBe('/icons/active.png');
    controller.update(nodeState({ state: 'draining', reason: 'Paused — …', pause: game }));
    expect(tray.image).toBe('/icons/paused.png');
    expect(tray.toolTip).toBe('Paused — a game is using the GPU, resumes when it closes');
    expect(controller.state).toBe('paused');
    controller.update(nodeState({ state: 'active', pause: notPaused }));
    expect(tray.image).toBe('/icons/active.png');
  });
});
