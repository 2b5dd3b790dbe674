import type { Scheduler, TimerHandle } from '../../scheduler';

export type ControlMethod = 'SUBSCRIBE' | 'UNSUBSCRIBE';

/** Binance drops a market-stream connection past 5 incoming messages per second: one every 250 ms stays under it. */
export const CONTROL_GAP_MS = 250;

/**
 * SUBSCRIBE / UNSUBSCRIBE requests, batched and paced on the scheduler: a request waiting to go out absorbs the next
 * one of the same method (order across methods is kept), and requests leave at most one per CONTROL_GAP_MS. Nothing
 * leaves before start() (the socket is open).
 */
export class PacedSender {
  private readonly queue: { method: ControlMethod; params: Set<string> }[] = [];
  /** Request id → method, until Binance answers it. */
  private readonly pending = new Map<number, ControlMethod>();
  private nextId = 1;
  private started = false;
  private lastSentAt = -Infinity;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly send: (text: string) => void,
  ) {}

  enqueue(method: ControlMethod, params: readonly string[]): void {
    const tail = this.queue.at(-1);
    if (tail && tail.method === method) for (const p of params) tail.params.add(p);
    else this.queue.push({ method, params: new Set(params) });
    this.pump();
  }

  start(): void {
    this.started = true;
    this.pump();
  }

  stop(): void {
    this.started = false;
    this.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Binance answered request `id`: the method it was, if it was ours. */
  answered(id: unknown): ControlMethod | undefined {
    if (typeof id !== 'number') return undefined;
    const method = this.pending.get(id);
    this.pending.delete(id);
    return method;
  }

  private pump(): void {
    if (!this.started || this.timer !== null || this.queue.length === 0) return;
    const wait = this.lastSentAt + CONTROL_GAP_MS - this.scheduler.now();
    if (wait > 0) {
      this.timer = this.scheduler.setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    const next = this.queue.shift()!;
    const id = this.nextId++;
    this.pending.set(id, next.method);
    this.lastSentAt = this.scheduler.now();
    this.send(JSON.stringify({ method: next.method, params: [...next.params], id }));
    this.pump();
  }
}
