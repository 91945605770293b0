import type { EventName, EventPayload } from '../contract';

export type AnyEventListener = (name: EventName, payload: unknown) => void;

/**
 * Fan-out of contract events to every transport (IPC windows, WebSocket clients, tests).
 * Listeners are isolated: one that throws cannot starve the others.
 */
export class EventBus {
  private readonly listeners = new Set<AnyEventListener>();

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch (error) {
        console.error(`reward-studio: an event listener for ${name} failed:`, error);
      }
    }
  }

  listen(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
