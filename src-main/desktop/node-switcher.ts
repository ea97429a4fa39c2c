import type { CommandName, CommandResult, NodeStateDto, SettingsDto } from '../contract/index.js';
import type { EventListener } from '../service/event-hub.js';
import type { Disposable, Logger } from '../service/host-api.js';
import { networkTarget, sameTarget } from '../service/network-target.js';
import type { DesktopService } from './desktop-app.js';
import type { DesktopNode } from './desktop-node.js';

export interface NodeSwitcherOptions {
  /** Composes the node for the network the settings file chooses now. */
  compose: () => Promise<DesktopNode>;
  drainTimeoutMs: number;
  /** After a switch: the window reloads so every page shows the new network's state. */
  onSwitched?: () => void;
}

/**
 * The desktop's node across network switches: when the settings choose another network it
 * drains and closes this network's node, composes the other one (its own folder, key and
 * journal) and starts it if the node was running. The shell and the IPC talk to this object
 * only, so nothing is rebound and the app is not restarted.
 */
export class NodeSwitcher implements DesktopService {
  private readonly listeners = new Set<EventListener>();
  private forwarding: Disposable;
  private switching: Promise<void> | null = null;
  private closed = false;
  /** Set when composing the chosen network failed: commands explain it instead of failing oddly. */
  private failure: string | null = null;

  constructor(
    private node: DesktopNode,
    private readonly o: NodeSwitcherOptions,
  ) {
    this.forwarding = this.forward(node);
  }

  /** The logger of the node that runs now (each network keeps its own log files). */
  get logger(): Logger {
    return this.node.kit.logger;
  }

  /** A logger for the shell that always writes to the current network's logs. */
  shellLogger(source?: string): Logger {
    const now = (): Logger => (source ? this.logger.child(source) : this.logger);
    return {
      debug: (m, f) => now().debug(m, f),
      info: (m, f) => now().info(m, f),
      warn: (m, f) => now().warn(m, f),
      error: (m, f) => now().error(m, f),
      child: (child) => this.shellLogger(source ? `${source}.${child}` : child),
    };
  }

  get current(): DesktopNode {
    return this.node;
  }

  async invoke<C extends CommandName>(command: C, arg: unknown): Promise<CommandResult<C>> {
    if (this.switching) await this.switching;
    if (this.failure) throw new Error(this.failure);
    return this.node.service.invoke(command, arg);
  }

  subscribe(listener: EventListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  currentState(): NodeStateDto {
    return this.node.service.currentState();
  }

  currentSettings(): SettingsDto {
    return this.node.service.currentSettings();
  }

  /** Drains the node and closes it (quit): no switch starts after this. */
  async shutdown(drainTimeoutMs: number): Promise<void> {
    this.closed = true;
    if (this.switching) await this.switching;
    this.forwarding.dispose();
    try {
      await this.node.service.shutdown(drainTimeoutMs);
    } finally {
      await this.node.close();
    }
  }

  /** Resolves when no switch is under way (tests). */
  async settled(): Promise<void> {
    while (this.switching) await this.switching;
  }

  private forward(node: DesktopNode): Disposable {
    return node.service.subscribe((event, payload) => {
      for (const listener of this.listeners) listener(event, payload);
      if (event === 'settings') this.maybeSwitch(payload as SettingsDto);
    });
  }

  private maybeSwitch(settings: SettingsDto): void {
    if (this.closed || this.switching) return;
    let wanted;
    try {
      wanted = networkTarget(settings);
    } catch (err) {
      this.logger.warn((err as Error).message);
      return;
    }
    if (sameTarget(wanted, this.node.kit.target)) return;
    this.switching = this.switchNode()
      .catch(() => undefined)
      .finally(() => (this.switching = null));
  }

  private async switchNode(): Promise<void> {
    const old = this.node;
    const from = old.kit.target.folder;
    const wasRunning = old.service.currentState().state !== 'stopped';
    old.kit.logger.info(`Switching networks: stopping the node on ${from}.`);
    this.forwarding.dispose();
    try {
      await old.service.shutdown(this.o.drainTimeoutMs);
    } finally {
      await old.close();
    }
    try {
      this.node = await this.o.compose();
    } catch (err) {
      this.failure =
        `The node could not switch networks: ${(err as Error).message} ` +
        'Restart the app; if it happens again, choose another network in Settings.';
      old.kit.logger.error(this.failure);
      throw err;
    }
    this.failure = null;
    this.forwarding = this.forward(this.node);
    const { service, kit } = this.node;
    kit.logger.info(
      `Switched networks: ${from} → ${kit.target.folder} (data in ${kit.dirs.base}).`,
    );
    for (const listener of this.listeners) {
      listener('settings', service.currentSettings());
      listener('state', service.currentState());
    }
    this.o.onSwitched?.();
    if (wasRunning && !this.closed) {
      await service
        .invoke('start', undefined)
        .catch((err: unknown) =>
          kit.logger.warn(
            `The node did not start on ${kit.target.folder}: ${(err as Error).message}`,
          ),
        );
    }
  }
}
