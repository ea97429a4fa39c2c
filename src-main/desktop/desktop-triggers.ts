import { FullscreenTrigger } from '../core/pause/fullscreen-trigger.js';
import type { FullscreenProbe } from '../core/pause/fullscreen-probe.js';
import { UserActiveTrigger } from '../core/pause/user-active-trigger.js';
import type { PowerMonitorLike } from './electron-like.js';
import {
  bindTrigger,
  type TriggerBinding,
  type TriggerContext,
} from '../service/pause-triggers.js';

/** What the desktop's own pause triggers read: Electron's powerMonitor and a screen probe. */
export interface DesktopTriggerSources {
  /** Electron's powerMonitor (keyboard and mouse idle time). */
  idle: PowerMonitorLike;
  /** Whether another application is full screen (platformFullscreenProbe). */
  fullscreen: FullscreenProbe;
  /** The app's own process: its full-screen window does not pause the node. */
  ownPid: number;
}

/** The triggers only a desktop has: someone at the computer, a full-screen application. */
export function desktopTriggers(src: DesktopTriggerSources, ctx: TriggerContext): TriggerBinding[] {
  return [
    bindTrigger(
      new UserActiveTrigger(ctx.clock, ctx.pauses, src.idle, ctx.onAvailability),
      (s) => s.userActive,
    ),
    bindTrigger(
      new FullscreenTrigger({
        clock: ctx.clock,
        pauses: ctx.pauses,
        probe: src.fullscreen,
        ownPid: src.ownPid,
        logger: ctx.logger,
        onAvailability: ctx.onAvailability,
      }),
      (s) => s.fullscreen,
    ),
  ];
}
