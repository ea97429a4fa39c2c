import { join } from 'node:path';
import type { NodeStateDto, NodeStateName } from '../contract/index.js';
import type { MenuItemOptionsLike, MenuLike, TrayLike } from './electron-like.js';

/** What the tray icon shows; one PNG per state under assets/tray/. */
export type TrayState = 'stopped' | 'starting' | 'active' | 'paused' | 'degraded' | 'error';

const BY_NODE_STATE: Record<NodeStateName, TrayState> = {
  not_initialised: 'stopped',
  initialised: 'stopped',
  stopped: 'stopped',
  registering: 'starting',
  testing: 'starting',
  active: 'active',
  degraded: 'degraded',
  draining: 'degraded',
};

/**
 * `lastError` is set when Start or Stop failed; it wins until the node changes state. A running
 * node the operator paused (by hand or a trigger) shows `paused`.
 */
export function trayStateFor(
  node: NodeStateName,
  lastError: string | null,
  paused = false,
): TrayState {
  if (lastError) return 'error';
  const state = BY_NODE_STATE[node];
  return paused && state !== 'stopped' ? 'paused' : state;
}

const isPaused = (node: NodeStateDto) => (node.pause?.requests.length ?? 0) > 0;
const stateOf = (node: NodeStateDto, lastError: string | null) =>
  trayStateFor(node.state, lastError, isPaused(node));

const LABELS: Record<TrayState, string> = {
  stopped: 'Stopped',
  starting: 'Starting…',
  active: 'Serving jobs',
  paused: 'Paused',
  degraded: 'Needs attention',
  error: 'Error',
};

export interface TrayActions {
  start(): void;
  stop(): void;
  /** Pause for `minutes` (null: until resumed). */
  pause(minutes: number | null): void;
  /** End the manual pause. */
  resume(): void;
  openDashboard(): void;
  quit(): void;
}

/** The tray menu for one state: a status line, Start or Stop, Open dashboard, Quit. */
export function buildTrayMenu(
  node: NodeStateDto,
  lastError: string | null,
  actions: TrayActions,
): MenuItemOptionsLike[] {
  const tray = stateOf(node, lastError);
  const items: MenuItemOptionsLike[] = [
    { label: `Resultity Node: ${LABELS[tray]}`, enabled: false },
    { type: 'separator' },
  ];
  const byHand = node.pause?.requests.some((r) => r.source === 'manual') ?? false;
  if (node.pause && byHand) {
    items.push({ label: 'Resume', click: actions.resume });
  } else if (node.pause && tray !== 'stopped' && tray !== 'error') {
    items.push(
      { label: 'Pause for 30 minutes', click: () => actions.pause(30) },
      { label: 'Pause for 1 hour', click: () => actions.pause(60) },
      { label: 'Pause until I resume', click: () => actions.pause(null) },
    );
  }
  if (node.state === 'draining' && !isPaused(node)) {
    items.push({ label: 'Stopping… (finishing jobs)', enabled: false });
  } else if (tray === 'stopped' || tray === 'error') {
    items.push({ label: 'Start node', click: actions.start });
  } else {
    items.push({ label: 'Stop node', click: actions.stop });
  }
  items.push(
    { label: 'Open dashboard', click: actions.openDashboard },
    { type: 'separator' },
    { label: 'Quit Resultity Node', click: actions.quit },
  );
  return items;
}

/** Tooltip: the state and, when something is wrong, the reason (trimmed for the OS limit). */
export function trayTooltip(node: NodeStateDto, lastError: string | null): string {
  const tray = stateOf(node, lastError);
  // "Paused — a game is using the GPU, resumes when it closes"
  if (tray === 'paused' && node.pause?.headline) return clip(node.pause.headline);
  const detail = lastError ?? (tray === 'degraded' || tray === 'stopped' ? node.reason : '');
  const text = detail
    ? `Resultity Node: ${LABELS[tray]}. ${detail}`
    : `Resultity Node: ${LABELS[tray]}`;
  return clip(text);
}

const clip = (text: string) => (text.length > 120 ? `${text.slice(0, 119)}…` : text);

/** macOS menu bars use black-and-white "Template" images that follow the light/dark theme. */
export function trayIconPath(iconDir: string, state: TrayState, platform: NodeJS.Platform): string {
  return join(iconDir, platform === 'darwin' ? `${state}Template.png` : `${state}.png`);
}

export type TrayCtor = new (image: string) => TrayLike;

/** Owns the tray icon and keeps its image, tooltip and menu in step with the node. */
export class TrayController {
  readonly tray: TrayLike;
  private lastError: string | null = null;
  private node: NodeStateDto;
  private shownIcon = '';

  constructor(
    private readonly deps: {
      Tray: TrayCtor;
      Menu: MenuLike;
      iconDir: string;
      platform: NodeJS.Platform;
      actions: TrayActions;
    },
    initial: NodeStateDto,
  ) {
    this.node = initial;
    this.shownIcon = trayIconPath(deps.iconDir, stateOf(initial, null), deps.platform);
    this.tray = new deps.Tray(this.shownIcon);
    // Windows and Linux users expect a left click to open the window.
    this.tray.on('click', () => deps.actions.openDashboard());
    this.render();
  }

  update(node: NodeStateDto): void {
    if (node.state !== this.node.state) this.lastError = null;
    this.node = node;
    this.render();
  }

  /** A Start/Stop from the tray failed: show it until the node moves on. */
  setError(message: string | null): void {
    this.lastError = message;
    this.render();
  }

  get state(): TrayState {
    return stateOf(this.node, this.lastError);
  }

  destroy(): void {
    this.tray.destroy();
  }

  private render(): void {
    const icon = trayIconPath(this.deps.iconDir, this.state, this.deps.platform);
    if (icon !== this.shownIcon) {
      this.tray.setImage(icon);
      this.shownIcon = icon;
    }
    this.tray.setToolTip(trayTooltip(this.node, this.lastError));
    this.tray.setContextMenu(
      this.deps.Menu.buildFromTemplate(buildTrayMenu(this.node, this.lastError, this.deps.actions)),
    );
  }
}
