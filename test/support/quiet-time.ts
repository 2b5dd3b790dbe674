import { setTimeout as realPause } from 'node:timers/promises';
import type { ManualScheduler } from './manual-scheduler';

const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * The app's fetch, counting requests still on their way (answer and body). While one is in flight the manual
 * clock must not move, so a request reaches a simulator at the very instant the app's rate limiter let it go.
 */
export class CountingFetch {
  inFlight = 0;

  constructor(private readonly inner: typeof fetch = globalThis.fetch) {}

  readonly fetch: typeof fetch = async (input, init) => {
    this.inFlight += 1;
    try {
      const res = await this.inner(input, init);
      const body = await res.arrayBuffer();
      return new Response(NO_BODY.has(res.status) ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } finally {
      this.inFlight -= 1;
    }
  };
}

/**
 * Run `work` on manual time: whenever the app is quiet (no request in flight, promises settled) and still waits,
 * move the clock to the next timer (a rate limiter's window opening), never further. Timers more than `maxStepMs`
 * ahead (a sign-in's 5-minute limit) are left alone; the app then waits on something real, such as a browser.
 */
export async function onManualTime<T>(scheduler: ManualScheduler, net: CountingFetch, work: Promise<T>, options: { maxStepMs?: number } = {}): Promise<T> {
  const maxStepMs = options.maxStepMs ?? 10_000;
  let done = false;
  work.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) {
    await scheduler.settle();
    if (done) break;
    const next = scheduler.nextDue();
    if (net.inFlight > 0 || next === null || next - scheduler.now() > maxStepMs) await realPause(1);
    else await scheduler.advanceTo(next);
  }
  return work;
}
