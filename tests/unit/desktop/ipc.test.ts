import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events } from '../../../src-main/contract/index.js';
import { BridgeError, bridgeFromPreload } from '../../../src-main/contract/errors.js';
import type { Disposable } from '../../../src-main/core/base/lifecycle.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import { commandChannel } from '../../../src-main/desktop/ipc/channels.js';
import {
  pushEvent,
  registerCommands,
  sameFileSender,
} from '../../../src-main/desktop/ipc/main-ipc.js';
import { createPreloadBridge } from '../../../src-main/desktop/ipc/preload-bridge.js';
import { COMMAND_NAMES, MemorySettingsStore, UiService } from '../../../src-main/service/index.js';
import { FakeIpcMain, FakeIpcRenderer, FakeWebContents } from '../../helpers/fake-electron.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FakeAgent, defaultSettings, fakeHost } from '../service/fakes.js';

const INDEX = 'file:///opt/Resultity%20Node/resources/app.asar/dist/renderer/index.html';

let agent: FakeAgent;
let service: UiService;
let ipcMain: FakeIpcMain;
let contents: FakeWebContents;
let registered: Disposable;

beforeEach(async () => {
  agent = new FakeAgent();
  service = await UiService.create({
    agent,
    host: fakeHost('/tmp/x'),
    settingsStore: new MemorySettingsStore(defaultSettings),
    clock: new ManualClock(),
    logger: silentLogger,
  });
  ipcMain = new FakeIpcMain();
  contents = new FakeWebContents();
  registered = registerCommands(ipcMain, service, COMMAND_NAMES, sameFileSender(INDEX));
  service.subscribe((event, payload) => pushEvent(contents, event, payload));
});

afterEach(() => service.dispose());

describe('IPC wiring', () => {
  it('registers one handler per contract command, all removable', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(COMMAND_NAMES.map(commandChannel).sort());
    registered.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('round trip: invoke → handler → reply value → result', async () => {
    const bridge = createPreloadBridge(new FakeIpcRenderer(ipcMain, `${INDEX}#/overview`));
    const snap = await bridge.invoke('getSnapshot', undefined);
    expect(snap.node.nodeId).toBe('0xabc');
    expect((await bridge.invoke('start', undefined)).state).toBe('registering');
    expect(agent.calls).toEqual(['start']);
  });

  it('a failing command comes back as a value and is rebuilt as a real Error', async () => {
    agent.failStart = Object.assign(new Error('Docker is not running. Start Docker.'), {
      name: 'DockerUnavailableError',
      code: 'docker_down',
    });
    const raw = await ipcMain.handlers.get(commandChannel('start'))!(
      { senderFrame: { url: INDEX } },
      undefined,
    );
    expect(raw).toEqual({
      error: {
        name: 'DockerUnavailableError',
        message: 'Docker is not running. Start Docker.',
        code: 'docker_down',
      },
    });

    const preload = createPreloadBridge(new FakeIpcRenderer(ipcMain, INDEX));
    const viaInvoke = await preload.invoke('start', undefined).catch((e: unknown) => e);
    expect(viaInvoke).toBeInstanceOf(BridgeError);
    expect(viaInvoke).toMatchObject({ name: 'DockerUnavailableError', code: 'docker_down' });
    // What the renderer uses in Electron, where contextBridge keeps only an Error's message.
    const wrapped = bridgeFromPreload(preload);
    await expect(wrapped.invoke('start', undefined)).rejects.toMatchObject({
      name: 'DockerUnavailableError',
      message: 'Docker is not running. Start Docker.',
      code: 'docker_down',
    });
  });

  it('invalid arguments from the page are refused as values, not thrown over IPC', async () => {
    const preload = createPreloadBridge(new FakeIpcRenderer(ipcMain, INDEX));
    const reply = await preload.invokeReply('updateSettings', { dataDir: '/' } as never);
    expect(reply).toMatchObject({ error: { name: 'InvalidCommandError' } });
    expect(await preload.invokeReply('../../x' as never, undefined as never)).toMatchObject({
      error: { name: 'InvalidCommandError' },
    });
  });

  it('refuses calls from any frame other than our index.html', async () => {
    for (const url of ['https://evil.example/', 'file:///tmp/evil.html', 'not a url']) {
      const preload = createPreloadBridge(new FakeIpcRenderer(ipcMain, url));
      await expect(preload.invoke('start', undefined)).rejects.toMatchObject({
        name: 'UntrustedSenderError',
      });
    }
    expect(agent.calls).toEqual([]);
  });

  it('pushes events to the window; on() returns a cleanup that detaches the listener', () => {
    const renderer = new FakeIpcRenderer(ipcMain, INDEX);
    const bridge = createPreloadBridge(renderer);
    const seen: Events['state'][] = [];
    const off = bridge.on('state', (s) => seen.push(s));
    agent.setState({ state: 'active', reason: 'Serving.' });
    renderer.deliver(contents.sent.splice(0));
    expect(seen.map((s) => s.state)).toEqual(['active']);
    off();
    off(); // idempotent
    expect(renderer.listenerCount('resultity:evt:state')).toBe(0);
    agent.setState({ state: 'degraded', reason: 'x' });
    renderer.deliver(contents.sent.splice(0));
    expect(seen).toHaveLength(1);
  });

  it('skips pushes to a destroyed window', () => {
    contents.destroyed = true;
    agent.setState({ state: 'active' });
    expect(contents.sent).toEqual([]);
  });
});
