import type Docker from 'dockerode';
import type { Clock, TimerHandle } from '../../clock.js';
import type { Logger } from '../../logger.js';

export interface ContainerEvent {
  /** die, oom, kill, stop, start, destroy… (Docker ≥ 1.52 drops `status` for `Action`). */
  action: string;
  id: string;
  exitCode: number | null;
}

export interface EventWatcherOptions {
  docker: Docker;
  clock: Clock;
  logger: Logger;
  /** Label filters, e.g. ["network.resultity.node=1", …]. */
  labels: string[];
  onEvent: (e: ContainerEvent) => void;
  /** Called after the stream came back from a drop: events may have been missed. */
  onReconnect: () => void;
  retryMs?: number;
}

/**
 * Follows the engine's event stream for our containers (on the client WITHOUT idle timeout: the
 * stream is quiet for hours). Reconnects when the engine restarts.
 */
export class ContainerEventWatcher {
  #stream: NodeJS.ReadableStream | null = null;
  #running = false;
  #timer: TimerHandle | null = null;

  constructor(private readonly o: EventWatcherOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#connect(false);
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== null) this.o.clock.clearTimeout(this.#timer);
    this.#timer = null;
    (this.#stream as (NodeJS.ReadableStream & { destroy?: () => void }) | null)?.destroy?.();
    this.#stream = null;
  }

  #connect(reconnect: boolean): void {
    const filters = JSON.stringify({ type: ['container'], label: this.o.labels });
    this.o.docker.getEvents({ filters } as never, (err, stream) => {
      if (!this.#running) {
        (stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined)?.destroy?.();
        return;
      }
      if (err || !stream) return this.#retry(String(err));
      this.#stream = stream;
      if (reconnect) this.o.onReconnect();
      let buffer = '';
      stream.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) this.#line(line);
        }
      });
      const ended = () => {
        if (this.#stream !== stream) return;
        this.#stream = null;
        this.#retry('the event stream ended');
      };
      stream.on('end', ended);
      stream.on('close', ended);
      stream.on('error', ended);
    });
  }

  #retry(why: string): void {
    if (!this.#running || this.#timer !== null) return;
    this.o.logger.debug(`Docker events: ${why}; reconnecting`);
    this.#timer = this.o.clock.setTimeout(() => {
      this.#timer = null;
      if (this.#running) this.#connect(true);
    }, this.o.retryMs ?? 2000);
  }

  #line(line: string): void {
    let raw: {
      status?: string;
      id?: string;
      Action?: string;
      Actor?: { ID?: string; Attributes?: Record<string, string> };
    };
    try {
      raw = JSON.parse(line);
    } catch {
      return;
    }
    const action = (raw.Action ?? raw.status ?? '').split(':')[0]?.trim() ?? '';
    const id = raw.Actor?.ID ?? raw.id ?? '';
    const code = raw.Actor?.Attributes?.exitCode;
    this.o.onEvent({
      action,
      id,
      exitCode: code !== undefined && code !== '' ? Number(code) : null,
    });
  }
}
