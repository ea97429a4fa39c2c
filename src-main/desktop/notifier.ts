import type { NodeStateDto, SetupCheckDto } from '../contract/index.js';
import type { Clock } from '../service/host-api.js';
import type { NotificationCtor } from './electron-like.js';

export interface NotifierOptions {
  Notification: NotificationCtor;
  clock: Clock;
  onClick: () => void;
  /** At most one notification in this interval. */
  minGapMs?: number;
  /** The same message is not repeated within this interval. */
  repeatAfterMs?: number;
}

/**
 * Desktop notifications only for what the operator must act on: the node became degraded (with
 * the reason) or a setup check failed (Docker missing…). Rate-limited so a flapping state does
 * not bury the desktop in pop-ups.
 */
export class Notifier {
  private lastShownAt = -Infinity;
  private readonly lastByKey = new Map<string, number>();
  private lastState: NodeStateDto['state'] | null = null;

  constructor(private readonly opts: NotifierOptions) {}

  onState(node: NodeStateDto): void {
    const entered = node.state !== this.lastState;
    this.lastState = node.state;
    if (node.state === 'degraded' && entered) {
      this.notify(`degraded:${node.reason}`, 'Resultity Node needs attention', node.reason);
    }
  }

  onSetup(checks: SetupCheckDto[]): void {
    const failed = checks.filter((c) => c.state === 'fail');
    const first = failed[0];
    if (!first) return;
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more problem(s))` : '';
    const body = `${first.label}: ${first.detail}${first.fix ? ` ${first.fix}` : ''}${more}`;
    this.notify(
      `setup:${failed.map((c) => c.id).join(',')}`,
      'Resultity Node cannot serve yet',
      body,
    );
  }

  /** A Start that was not asked for in the window (tray, or at launch) failed. */
  onStartFailed(message: string): void {
    this.notify(`start:${message}`, 'Resultity Node could not start', message);
  }

  /** Returns true when a notification was shown. */
  private notify(key: string, title: string, body: string): boolean {
    const now = this.opts.clock.now();
    if (now - this.lastShownAt < (this.opts.minGapMs ?? 60_000)) return false;
    const last = this.lastByKey.get(key);
    if (last !== undefined && now - last < (this.opts.repeatAfterMs ?? 30 * 60_000)) return false;
    if (!this.opts.Notification.isSupported()) return false;
    const n = new this.opts.Notification({ title, body: body.slice(0, 250) });
    n.on('click', this.opts.onClick);
    n.show();
    this.lastShownAt = now;
    this.lastByKey.set(key, now);
    return true;
  }
}
