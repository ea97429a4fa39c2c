import type { EventName, Events } from '../contract/index.js';
import { Emitter, type EmitterOptions } from '../core/base/event.js';
import type { Disposable, DisposableStore } from '../core/base/lifecycle.js';

export type EventListener = <E extends EventName>(event: E, payload: Events[E]) => void;

type Pushed = { [E in EventName]: { event: E; payload: Events[E] } }[EventName];

/**
 * Fans pushed events out to every subscribed UI transport (IPC window, WebSocket clients).
 * One broken transport cannot starve the others: its error goes to the error handler.
 */
export class EventHub {
  private readonly pushed: Emitter<Pushed>;

  constructor(options: EmitterOptions = {}) {
    this.pushed = new Emitter(options);
  }

  subscribe(listener: EventListener, store?: DisposableStore): Disposable {
    return this.pushed.event(({ event, payload }) => listener(event, payload), store);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    this.pushed.fire({ event, payload } as Pushed);
  }
}
