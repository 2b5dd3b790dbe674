/**
 * The streaming benchmark's send time, carried in a trade's price. The trade's own time `t` reaches the renderer
 * cut to whole milliseconds (the adapter parses RFC 3339 to epoch ms), too coarse for a latency of a few ms. The
 * price goes through main unchanged, so the sender writes its monotonic clock there: 1 + (ms mod 100,000) to the
 * microsecond, always a positive price. `process.hrtime` is the system's monotonic clock, the same in every process.
 */
const WRAP_MS = 100_000;

export function encodeStamp(monotonicMs: number): number {
  return 1 + Math.round((monotonicMs % WRAP_MS) * 1000) / 1000;
}

/** Milliseconds from the stamp in `price` to `nowMonotonicMs` (correct for any latency under 100 s). */
export function stampAge(price: number, nowMonotonicMs: number): number {
  return ((((nowMonotonicMs % WRAP_MS) - (price - 1)) % WRAP_MS) + WRAP_MS) % WRAP_MS;
}

/** The monotonic time a stamp stands for, given a monotonic time shortly after it. */
export function stampTime(price: number, nowMonotonicMs: number): number {
  return nowMonotonicMs - stampAge(price, nowMonotonicMs);
}
