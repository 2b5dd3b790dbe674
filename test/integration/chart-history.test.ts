import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { priceAt } from '../simulators/exchange';
import { connectSim, goLive, makeTradingWorld, MINUTE, startSim, type TradingSim, type TradingWorld } from '../support/trading/world';

/** Chart history through the IPC contract: the simulated feed in paper, a broker's bars where it prices the symbol. */

let w: TradingWorld;
beforeAll(async () => {
  w = await makeTradingWorld();
});
afterAll(() => w.g.close());

describe('paper with no broker: the simulated feed', () => {
  it('serves 5-minute bars ending in the current price, labelled simulated', async () => {
    const now = w.clock.now();
    const chart = await w.g.ok('chart:history', { symbol: 'NSE:INFY', interval: '5m' });
    expect(chart.simulated).toBe(true);
    expect(chart.intervals).toContain('1d');
    expect(chart.candles.length).toBeGreaterThanOrEqual(300);
    const times = chart.candles.map((c) => c.time);
    expect(times.every((t, i) => t % (5 * MINUTE) === 0 && (i === 0 || t - times[i - 1]! === 5 * MINUTE))).toBe(true);
    const last = chart.candles.at(-1)!;
    expect(last.time).toBeLessThanOrEqual(now);
    expect(now - last.time).toBeLessThan(5 * MINUTE);
    // The current bar closes at the price a paper order fills at now.
    expect(last.close).toBe(simulatedPriceAt('NSE:INFY', now));
    const quote = await w.g.ok('quotes:get', { symbols: ['NSE:INFY'] });
    expect(last.close).toBe(quote.quotes[0]!.last);
    for (const c of chart.candles) {
      expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
      expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
      expect(c.open).toBe(simulatedPriceAt('NSE:INFY', c.time));
      expect(c.volume).toBeGreaterThan(0);
    }
  });

  it('serves an explicit range and nothing after now', async () => {
    const now = w.clock.now();
    const from = Math.floor(now / MINUTE) * MINUTE - 10 * MINUTE;
    const chart = await w.g.ok('chart:history', { symbol: 'US:AAPL', interval: '1m', from, to: now + 60 * MINUTE });
    expect(chart.candles.map((c) => c.time)).toEqual(Array.from({ length: 11 }, (_, i) => from + i * MINUTE));
  });

  it('refuses a reversed range or more than 10,000 bars, in its own words', async () => {
    const now = w.clock.now();
    const reversed = await w.g.call('chart:history', { symbol: 'US:AAPL', interval: '1m', from: now, to: now - MINUTE });
    expect(reversed).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const huge = await w.g.call('chart:history', { symbol: 'US:AAPL', interval: '1m', from: now - 20_000 * MINUTE, to: now });
    expect(huge).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('10,000 bars') } });
  });
});

describe('with Alpaca connected: its bars (GET /v2/stocks/{symbol}/bars)', () => {
  let alpaca: TradingSim;
  beforeAll(async () => {
    alpaca = await startSim('alpaca', w.clock);
    await connectSim(w, alpaca);
  });
  afterAll(() => alpaca.close());

  it('paper charts a US symbol from the broker, agreeing with its quotes', async () => {
    const now = w.clock.now();
    const chart = await w.g.ok('chart:history', { symbol: 'US:AAPL', interval: '15m' });
    expect(chart.simulated).toBe(false);
    expect(chart.intervals).toEqual(['1m', '5m', '15m', '30m', '1h', '1d']);
    expect(chart.candles.length).toBeGreaterThan(250);
    expect(chart.candles.every((c) => c.time % (15 * MINUTE) === 0)).toBe(true);
    expect(chart.candles[0]!.open).toBe(priceAt('AAPL', chart.candles[0]!.time));
    const quote = await w.g.ok('quotes:get', { symbols: ['US:AAPL'] });
    expect(chart.candles.at(-1)!.close).toBe(quote.quotes[0]!.last);
    expect(chart.candles.at(-1)!.close).toBe(priceAt('AAPL', now));
    // Indian symbols still come from the simulated feed.
    expect((await w.g.ok('chart:history', { symbol: 'NSE:INFY', interval: '15m' })).simulated).toBe(true);
  });

  it('serves the most bars a chart may ask for: 10,000', async () => {
    const now = w.clock.now();
    const from = Math.floor(now / MINUTE) * MINUTE - 9_999 * MINUTE;
    const chart = await w.g.ok('chart:history', { symbol: 'US:AAPL', interval: '1m', from, to: now + 1 });
    expect(chart.candles).toHaveLength(10_000);
    expect(new Set(chart.candles.map((c) => c.time)).size).toBe(10_000);
  });

  it('live mode charts from the live connection', async () => {
    const view = (await w.g.ok('connections:list')).find((c) => c.broker === 'alpaca')!;
    await goLive(w, view.id);
    const chart = await w.g.ok('chart:history', { symbol: 'US:MSFT', interval: '1h' });
    expect(chart).toMatchObject({ simulated: false });
    expect(chart.candles.at(-1)!.close).toBe(priceAt('MSFT', w.clock.now()));
  });
});
