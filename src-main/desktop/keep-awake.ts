import type { NodeStateName } from '../contract/index.js';
import type { PowerSaveBlockerLike } from './electron-like.js';

const SERVING: ReadonlySet<NodeStateName> = new Set(['active', 'degraded', 'draining']);

/**
 * Opt-in: while the node serves, keep the system from suspending (the screen may still turn
 * off). Uses Electron's powerSaveBlocker only; no system power settings are changed.
 */
export class KeepAwake {
  private blockerId: number | null = null;

  constructor(private readonly blocker: PowerSaveBlockerLike) {}

  update(enabled: boolean, state: NodeStateName): void {
    const wanted = enabled && SERVING.has(state);
    if (wanted && this.blockerId === null) {
      this.blockerId = this.blocker.start('prevent-app-suspension');
    } else if (!wanted && this.blockerId !== null) {
      if (this.blocker.isStarted(this.blockerId)) this.blocker.stop(this.blockerId);
      this.blockerId = null;
    }
  }

  get active(): boolean {
    return this.blockerId !== null;
  }
}
