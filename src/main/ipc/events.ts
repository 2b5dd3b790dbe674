import type { EventName } from '../../shared/channels';
import { events, type EventPayload } from '../../shared/contract';
import type { Logger } from '../log/types';

export type EventListener = (event: EventName, payload: unknown) => void;

/**
 * Push events from main services to whoever shows them (the Electron window, the test bridge).
 * Payloads are parsed with the contract's strict schema before they go out, like IPC results.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly log: Logger) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].safeParse(payload);
    if (!checked.success) {
      this.log.error('event payload broke the contract', { event, issues: checked.error.issues.map((i) => i.path.join('.')) });
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(event, checked.data);
      } catch (error) {
        this.log.warn('event listener failed', { event, error });
      }
    }
  }
}
