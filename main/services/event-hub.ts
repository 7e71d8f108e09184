// Fan-out of the contract's events to every connected UI (the Electron window, web-mode sockets).
import type { EventMap, EventName } from '../../preload/contract';

export type EventSink = <E extends EventName>(event: E, payload: EventMap[E]) => void;

export class EventHub {
  private readonly sinks = new Set<EventSink>();

  /** Returns a function that removes the sink. */
  connect(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => { this.sinks.delete(sink); };
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const sink of this.sinks) {
      try {
        sink(event, payload);
      } catch (err) {
        console.error(`[studio] an event sink failed for ${event}:`, err);
      }
    }
  }
}
