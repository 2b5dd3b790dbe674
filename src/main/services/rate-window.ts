import type { Scheduler } from '../scheduler';

interface Tick {
  /** When the request leaves (reserved), or left (sent). */
  at: number;
  weight: number;
  sent: boolean;
  /** An order's request (or a price an order waits for): it passes reads still waiting. */
  urgent: boolean;
  /** Arrival order: requests of one lane leave in the order they came. */
  seq: number;
}

/**
 * One documented limit (`limit` weight per `intervalMs`) as a strict sliding window on the injected scheduler,
 * so tests move its time with the manual clock instead of waiting. A request reserves the first instant at which
 * no window of `intervalMs` would hold more than `limit`, counting both sent requests and those still waiting
 * (a light request cannot take room a heavier one already reserved). When its timer fires it checks again
 * against what was really sent, since a real timer can fire late.
 *
 * Urgent requests (orders, and the prices orders wait for) form a lane of their own: they count only what was sent
 * and other urgent requests, so they pass reads still waiting; a waiting read, when its timer fires, also counts the
 * urgent requests not yet sent, and so takes the next room after them. The limit holds for both lanes together.
 */
export class SlidingWindow {
  /** Sorted by `at`. */
  private ticks: Tick[] = [];
  private arrivals = 0;

  constructor(
    private readonly limit: number,
    private readonly intervalMs: number,
    private readonly scheduler: Scheduler,
  ) {
    if (!(limit >= 1) || !(intervalMs > 0))
      throw new Error(`A rate window needs a limit of at least 1 and a positive interval (got ${limit} per ${intervalMs} ms).`);
  }

  /** Resolves when a request of `weight` may leave; the request counts as sent from then on. */
  async pass(weight: number, urgent = false): Promise<void> {
    if (!(weight > 0) || weight > this.limit) throw new Error(`A request's rate weight must be above 0 and at most ${this.limit} (got ${weight}).`);
    this.forgetOld();
    const seq = ++this.arrivals;
    let tick = this.reserve(weight, urgent, seq, this.scheduler.now(), urgent ? this.ticks.filter((t) => t.sent || t.urgent) : this.ticks);
    for (;;) {
      const wait = tick.at - this.scheduler.now();
      if (wait > 0) await new Promise<void>((resolve) => this.scheduler.setTimeout(resolve, wait));
      this.remove(tick);
      // Checked against what was sent and what waits ahead of it: earlier requests of its own lane, and for a read,
      // every urgent request. Each request waits only on those, so neither lane can block the other in a circle.
      tick = this.reserve(
        weight,
        urgent,
        seq,
        this.scheduler.now(),
        this.ticks.filter((t) => t.sent || (t.urgent === urgent ? t.seq < seq : t.urgent)),
      );
      if (tick.at <= this.scheduler.now()) break;
    }
    tick.sent = true;
  }

  /** Drop requests that left more than one interval ago: they no longer count in any window ahead. */
  private forgetOld(): void {
    const now = this.scheduler.now();
    while (this.ticks.length > 0 && now - this.ticks[0]!.at >= this.intervalMs) this.ticks.shift();
  }

  /** Reserve (and record) the first instant from `from` at which `weight` fits among `counted`. */
  private reserve(weight: number, urgent: boolean, seq: number, from: number, counted: readonly Tick[]): Tick {
    let at = from;
    for (let blocking = this.blocking(weight, at, counted); blocking; blocking = this.blocking(weight, at, counted)) {
      at = blocking.at + this.intervalMs;
    }
    const tick: Tick = { at, weight, sent: false, urgent, seq };
    const index = this.ticks.findIndex((t) => t.at > at);
    this.ticks.splice(index === -1 ? this.ticks.length : index, 0, tick);
    return tick;
  }

  /**
   * The oldest request of the first window around `at` that `weight` would overflow, or undefined when it fits.
   * Windows that hold `at` and later reservations are checked too.
   */
  private blocking(weight: number, at: number, counted: readonly Tick[]): Tick | undefined {
    let start = 0;
    let inWindow = 0;
    for (let i = 0; i < counted.length; i++) {
      const tick = counted[i]!;
      if (tick.at >= at + this.intervalMs) break;
      inWindow += tick.weight;
      const end = Math.max(at, tick.at);
      while (start <= i && counted[start]!.at <= end - this.intervalMs) inWindow -= counted[start++]!.weight;
      if (inWindow + weight > this.limit) return counted[start];
    }
    return undefined;
  }

  private remove(tick: Tick): void {
    const index = this.ticks.indexOf(tick);
    if (index !== -1) this.ticks.splice(index, 1);
  }
}
