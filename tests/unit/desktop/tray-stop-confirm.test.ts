import { describe, expect, it } from 'vitest';
import { stopWhileJobsWords } from '../../../src-main/contract/index.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import { startDesktopApp } from '../../../src-main/desktop/desktop-app.js';
import { MemorySettingsStore, UiService } from '../../../src-main/service/index.js';
import { FakeTray, fakeElectron } from '../../helpers/fake-electron.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FakeAgent, defaultSettings, fakeHost } from '../service/fakes.js';

const tick = () => new Promise((r) => setImmediate(r));

async function desktopWithJobs(inFlight: number) {
  const electron = fakeElectron();
  const clock = new ManualClock();
  const agent = new FakeAgent();
  const service = await UiService.create({
    agent,
    host: { ...fakeHost('/tmp/x'), kind: 'desktop' },
    settingsStore: new MemorySettingsStore(defaultSettings),
    clock,
    logger: silentLogger,
    drainTimeoutMs: 60_000, // as the desktop composes it (DESKTOP_DRAIN_TIMEOUT_MS)
  });
  startDesktopApp({
    electron,
    service,
    paths: { preload: '/p.cjs', indexHtml: '/i.html', trayIconDir: '/tray' },
    platform: 'linux',
    clock,
    logger: silentLogger,
    startHidden: true,
    drainTimeoutMs: 60_000,
    setLaunchAtLogin: async () => undefined,
  });
  agent.setState({ state: 'active' });
  agent.countersValue = { ...agent.countersValue, in_flight: inFlight };
  clock.advance(1_000); // the service pushes its stats (jobs running) every second
  return { electron, agent, tray: FakeTray.instances[0]! };
}

describe('the tray Stop while jobs run', () => {
  it('asks first with the window words; "Keep running" leaves the node serving', async () => {
    const { electron, agent, tray } = await desktopWithJobs(3);
    tray.clickItem('Stop node');
    await tick();
    const words = stopWhileJobsWords(3, 60_000);
    expect(electron.dialog.shown).toEqual([
      { title: words.title, detail: words.body, buttons: ['Stop node', 'Keep running'] },
    ]);
    expect(words.body).toContain('3 job(s) are running');
    expect(words.body).toContain('up to 60 s');
    expect(agent.calls).toEqual([]);
  });

  it('stops (draining) once the operator confirms', async () => {
    const { electron, agent, tray } = await desktopWithJobs(2);
    electron.dialog.answers.push(0);
    tray.clickItem('Stop node');
    await tick();
    await tick();
    expect(electron.dialog.shown).toHaveLength(1);
    expect(agent.calls).toEqual(['stop:60000']);
  });

  it('stops at once when no job runs', async () => {
    const { electron, agent, tray } = await desktopWithJobs(0);
    tray.clickItem('Stop node');
    await tick();
    await tick();
    expect(electron.dialog.shown).toEqual([]);
    expect(agent.calls).toEqual(['stop:60000']);
  });
});
