/**
 * Typed change events between main-process services, in VS Code's style (src/vs/base/common/event.ts):
 * a service owns an Emitter, fires it after a change is committed, and exposes only `emitter.event`
 * as `onDid…`. The composition root subscribes consumers to producers; no service holds a closure
 * into another.
 */

export interface Disposable {
  dispose(): void;
}

/** Subscribe a listener; dispose the result to unsubscribe. */
export type Event<T> = (listener: (event: T) => void) => Disposable;

export class Emitter<T> {
  private readonly listeners = new Set<(event: T) => void>();

  readonly event: Event<T> = (listener) => {
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const entry = (event: T) => listener(event);
    this.listeners.add(entry);
    return { dispose: () => void this.listeners.delete(entry) };
  };

  /** Every listener runs; a listener's failure is thrown to the firing service afterwards, as a direct call's would be. */
  fire(event: T): void {
    let failure: { error: unknown } | null = null;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
