import { beforeEach, describe, expect, it } from 'vitest';
import { rateLimits, type RateLimits, type RateRequest } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { ARRIVAL_JITTER_MS, RateLimiter } from '../../src/main/services/rate-limiter';
import { ManualScheduler } from '../support/manual-scheduler';

const GET = (path: string, query?: RateRequest['query']): RateRequest => ({ method: 'GET', path, query });
const POST = (path: string): RateRequest => ({ method: 'POST', path });

let scheduler: ManualScheduler;

/**
 * Send `requests` through a gate at once and return when each was let through, sorted. The limiter runs on a
 * manual scheduler advanced by hand, so the times are exact and a busy machine cannot skew them.
 */
async function releases(gate: (r: RateRequest) => Promise<void>, requests: RateRequest[]): Promise<{ path: string; at: number }[]> {
  const out: { path: string; at: number }[] = [];
  const all = Promise.all(
    requests.map(async (r) => {
      await gate(r);
      out.push({ path: r.path, at: scheduler.now() });
    }),
  );
  while (out.length < requests.length) await scheduler.advance(5);
  await all;
  return out.sort((a, b) => a.at - b.at);
}

/** The most releases inside any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j]! - times[i]! < windowMs) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

const at = (list: { at: number }[]) => list.map((r) => r.at);

/** A Kite-like table: orders 3/s and 5 per 10 s, quotes 1/s, the rest 4/s. */
const LIMITS: RateLimits = rateLimits({
  budgets: {
    orders: [
      { limit: 3, intervalMs: 1_000 },
      { limit: 5, intervalMs: 10_000 },
    ],
    quotes: [{ limit: 1, intervalMs: 1_000 }],
    other: [{ limit: 4, intervalMs: 1_000 }],
  },
  spend: (r) => (r.method === 'POST' ? { orders: 1 } : r.path === '/quote' ? { quotes: 1 } : r.path === '/heavy' ? { other: 2 } : { other: 1 }),
});

/** A window as the gate keeps it: the broker's interval plus the allowance for uneven arrival. */
const window = (ms: number) => ms + ARRIVAL_JITTER_MS;

describe('client-side rate limits', () => {
  beforeEach(() => {
    scheduler = new ManualScheduler(new ManualClock());
  });

  it('never lets more requests through than a budget allows within one interval, and no fewer', async () => {
    const out = await releases(
      new RateLimiter(scheduler).gateFor('c1', LIMITS),
      Array.from({ length: 9 }, () => GET('/user/profile')),
    );
    expect(maxInWindow(at(out), window(1_000))).toBeLessThanOrEqual(4);
    // Nine at 4 per window take three windows: the gate does not hold requests back longer than it must.
    expect(out.at(-1)!.at - out[0]!.at).toBeLessThan(3 * window(1_000));
  });

  it('applies every limit of a budget together (per second and per 10 s)', async () => {
    const out = await releases(
      new RateLimiter(scheduler).gateFor('c1', LIMITS),
      Array.from({ length: 8 }, () => POST('/orders')),
    );
    expect(maxInWindow(at(out), window(1_000))).toBeLessThanOrEqual(3);
    expect(maxInWindow(at(out), window(10_000))).toBeLessThanOrEqual(5);
    expect(out.at(-1)!.at - out[0]!.at).toBeGreaterThanOrEqual(window(10_000));
  });

  it('paces each endpoint by its own budget: a slow quote budget does not hold orders or other reads back', async () => {
    const requests = [GET('/quote'), GET('/quote'), GET('/quote'), POST('/orders'), GET('/orders'), POST('/orders')];
    const out = await releases(new RateLimiter(scheduler).gateFor('c1', LIMITS), requests);
    const quotes = out.filter((r) => r.path === '/quote');
    expect(maxInWindow(at(quotes), window(1_000))).toBe(1);
    expect(quotes.at(-1)!.at - quotes[0]!.at).toBeGreaterThanOrEqual(2 * window(1_000));
    for (const r of out.filter((o) => o.path === '/orders')) expect(r.at - out[0]!.at).toBeLessThan(10);
  });

  it('counts weighted requests by their weight', async () => {
    // Weight 2 against 4 per second: two heavy requests fill a window.
    const out = await releases(new RateLimiter(scheduler).gateFor('c1', LIMITS), [GET('/heavy'), GET('/heavy'), GET('/heavy')]);
    expect(maxInWindow(at(out), window(1_000))).toBe(2);
  });

  it('keeps separate budgets per key', async () => {
    const limiter = new RateLimiter(scheduler);
    const out = await releases(
      (r) => limiter.gateFor(r.query?.account as string, LIMITS)(r),
      [GET('/quote', { account: 'a1' }), GET('/quote', { account: 'a2' }), GET('/quote', { account: 'a1' })],
    );
    expect(out[1]!.at - out[0]!.at).toBeLessThan(10);
    expect(out[2]!.at - out[0]!.at).toBeGreaterThanOrEqual(window(1_000));
  });

  it('lets an urgent request (an order, or the price an order waits for) pass reads still waiting, within the same limit', async () => {
    const limiter = new RateLimiter(scheduler);
    const read = limiter.gateFor('c1', LIMITS);
    const urgent = limiter.gateFor('c1', LIMITS, true);
    const released: { who: string; at: number }[] = [];
    const send = (who: string, gate: typeof read) => gate(GET('/quote')).then(() => released.push({ who, at: scheduler.now() }));
    // Five display reads of a 1/s quote budget queue; the first leaves at once.
    const reads = ['r1', 'r2', 'r3', 'r4', 'r5'].map((who) => send(who, read));
    await scheduler.advance(100);
    const order = send('order', urgent);
    while (released.length < 6) await scheduler.advance(5);
    await Promise.all([...reads, order]);
    // Before the lane, the order left after the five reads (5 windows); now it takes the next room after r1.
    expect(released.map((r) => r.who)).toEqual(['r1', 'order', 'r2', 'r3', 'r4', 'r5']);
    expect(released[1]!.at - released[0]!.at).toBe(window(1_000));
    expect(maxInWindow(at(released), window(1_000))).toBe(1);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'interleaving %i of reads and urgent requests at random times: no limit is ever passed, each lane keeps its order, and a waiting read never leaves before an urgent request that came after it',
    async (seed) => {
      let s = seed;
      const random = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const limiter = new RateLimiter(scheduler);
      const released: { path: string; urgent: boolean; arrived: number; at: number }[] = [];
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        await scheduler.advance(Math.floor(random() * 400));
        const urgent = random() < 0.35;
        // Orders (3/s and 5 per 10 s), quotes (1/s) and weighted reads (4/s, weight 2) share no budget with each other.
        const request = [POST('/orders'), GET('/quote'), GET('/heavy'), GET('/other')][Math.floor(random() * 4)]!;
        const arrived = scheduler.now();
        sends.push(
          limiter
            .gateFor(
              'c1',
              LIMITS,
              urgent,
            )(request)
            .then(() => released.push({ path: request.path, urgent, arrived, at: scheduler.now() })),
        );
      }
      while (released.length < 30) await scheduler.advance(5);
      await Promise.all(sends);
      const times = (path: string) =>
        released
          .filter((r) => r.path === path)
          .map((r) => r.at)
          .sort((a, b) => a - b);
      expect(maxInWindow(times('/orders'), window(1_000))).toBeLessThanOrEqual(3);
      expect(maxInWindow(times('/orders'), window(10_000))).toBeLessThanOrEqual(5);
      expect(maxInWindow(times('/quote'), window(1_000))).toBeLessThanOrEqual(1);
      // Weight 2 (/heavy) and 1 (/other) against 4 per second.
      const other = released.filter((r) => r.path === '/heavy' || r.path === '/other');
      for (const r of other) {
        const inWindow = other.filter((o) => o.at >= r.at && o.at - r.at < window(1_000));
        expect(inWindow.reduce((sum, o) => sum + (o.path === '/heavy' ? 2 : 1), 0)).toBeLessThanOrEqual(4);
      }
      // Each lane keeps its arrival order per budget.
      for (const path of ['/orders', '/quote', '/heavy', '/other'])
        for (const urgent of [true, false]) {
          const lane = released.filter((r) => r.path === path && r.urgent === urgent);
          expect(lane.map((r) => r.arrived)).toEqual(lane.map((r) => r.arrived).sort((a, b) => a - b));
        }
      for (const u of released.filter((r) => r.urgent))
        for (const n of released.filter((r) => !r.urgent && r.path === u.path && r.arrived <= u.arrived && r.at > u.arrived))
          expect(n.at, `a read on ${u.path} that waited from ${n.arrived} left before the urgent request of ${u.arrived}`).toBeGreaterThanOrEqual(u.at);
    },
  );

  it('refuses a request that names a budget the table does not declare', async () => {
    const broken = rateLimits({ budgets: { orders: [{ limit: 1, intervalMs: 100 }] }, spend: () => ({ orders: 1, typo: 1 }) as { orders: number } });
    await expect(new RateLimiter(scheduler).gateFor('c1', broken)(GET('/x'))).rejects.toThrow('Rate budget "typo" is not declared.');
  });
});
