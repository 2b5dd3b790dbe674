import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rateLimits, type RateLimits } from '../../src/main/brokers/types';
import { LaneRecorder } from '../support/trading/lane-recorder';
import { connectSim, drive, goLive, makeTradingWorld, startSim, ticket, type TradingSim, type TradingWorld } from '../support/trading/world';

/**
 * Races between the urgent lane and the kill switch on a live connection whose budget is full: an order waiting in
 * the lane when trading stops is never sent, and the kill switch's own reads and cancels pass the display reads that
 * still wait. The adapter's limits are swapped, once connected, for one shared budget of a request a second, so the
 * manual clock decides who leaves when.
 */
const ONE_A_SECOND: RateLimits = rateLimits({ budgets: { all: [{ limit: 1, intervalMs: 1_000 }] }, spend: () => ({ all: 1 }) });

let w: TradingWorld;
let alpaca: TradingSim;
let limiter: LaneRecorder;
beforeEach(async () => {
  w = await makeTradingWorld({ rateLimiter: (scheduler) => (limiter = new LaneRecorder(scheduler)) });
  alpaca = await startSim('alpaca', w.clock);
  await goLive(w, (await connectSim(w, alpaca)).id);
  limiter.squeeze(ONE_A_SECOND);
  limiter.entered.length = 0;
  limiter.released.length = 0;
});
afterEach(async () => {
  w.g.close();
  await alpaca.close();
});

const posts = () => w.net.sent.filter((r) => r.method === 'POST' && r.url === '/v2/orders');
const displayRead = () => w.g.call('quotes:get', { symbols: ['US:MSFT'] });

describe('the urgent lane against the kill switch, on a full budget', () => {
  it('an order waiting in the lane when the kill switch fires is not sent, and the kill switch’s reads pass the waiting display reads', async () => {
    const reads = Array.from({ length: 4 }, displayRead);
    const placing = w.g.call('orders:place', ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 }));
    await drive(
      w,
      waitFor(() => limiter.entered.some((r) => r.method === 'POST')),
    );
    // The POST waits in the lane (the budget is spent); the trader stops everything.
    expect(posts()).toEqual([]);
    const engaging = w.g.call('killswitch:engage', { closePositions: false });
    const [placed, engaged] = await drive(w, Promise.all([placing, engaging]));
    await drive(w, Promise.all(reads));

    expect(posts()).toEqual([]);
    expect(alpaca.exchange.list()).toEqual([]);
    const said = placed.ok ? (placed.value.status === 'placed' ? placed.value.order.message : null) : placed.error.message;
    expect(said).toMatch(/not sent/);
    expect(engaged.ok).toBe(true);
    // The kill switch read the order book in the urgent lane, ahead of the display reads still waiting.
    const book = limiter.released.filter((r) => r.method === 'GET' && r.path === '/v2/orders');
    expect(book.length).toBeGreaterThan(0);
    expect(book.every((r) => r.urgent)).toBe(true);
    const lastDisplay = Math.max(...limiter.released.filter((r) => r.path.startsWith('/v2/stocks/')).map((r) => r.at));
    expect(book[0]!.at).toBeLessThan(lastDisplay);
    // And the budget held for both lanes: one request a second.
    const times = limiter.released.map((r) => r.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
  });

  it('an order placed while display reads wait leaves before them, and its fill is journaled', async () => {
    const reads = Array.from({ length: 4 }, displayRead);
    const placing = w.g.call('orders:place', ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'MARKET' }));
    const placed = await drive(w, placing);
    expect(placed.ok && placed.value.status === 'placed' ? placed.value.order.state : placed).toBe('FILLED');
    expect(posts()).toHaveLength(1);
    const post = limiter.released.find((r) => r.method === 'POST')!;
    const displaysAfter = limiter.released.filter((r) => r.path.startsWith('/v2/stocks/') && r.at > post.at);
    // Eight display requests (two per Alpaca quote) were queued first; the order passed most of them.
    expect(displaysAfter.length).toBeGreaterThanOrEqual(5);
    await drive(w, Promise.all(reads));
  });
});

/** Resolves once `check` holds (the manual clock is moved by drive()). */
function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 1));
    poll();
  });
}
