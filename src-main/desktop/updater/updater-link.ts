import type { AgentUpdateHost } from '../../service/updates-view.js';
import type { UpdaterHandle } from './index.js';

/**
 * The desktop's answer to "the network names a newer version": ask the updater to check now,
 * and say plainly how this copy gets it — including when it cannot update itself (no update
 * signing key in this build, a development run, automatic updates off).
 */
export class UpdaterLink implements AgentUpdateHost {
  #updater: Pick<UpdaterHandle, 'status' | 'checkNow'> | null = null;
  #wanted: string | null = null;

  /** The updater started (after the node): a version named meanwhile is checked now. */
  attach(updater: Pick<UpdaterHandle, 'status' | 'checkNow'>): void {
    this.#updater = updater;
    if (this.#wanted) this.#check();
  }

  howTo(_available: string): string {
    const status = this.#updater?.status;
    if (!status) return 'The app checks for it once it has finished starting.';
    switch (status.state) {
      case 'unavailable':
        return `This copy does not update itself. ${status.message}`;
      case 'disabled':
        return 'Install updates automatically is off in Settings: turn it on, or install the new version from the release page.';
      case 'ready':
        return 'It has been downloaded and installs when you quit the app.';
      case 'error':
        return `The last update check failed: ${status.message}`;
      default:
        return 'The app downloads it in the background and installs it when you quit.';
    }
  }

  onAvailable(version: string): void {
    this.#wanted = version;
    this.#check();
  }

  #check(): void {
    void this.#updater?.checkNow().catch(() => undefined);
  }
}
