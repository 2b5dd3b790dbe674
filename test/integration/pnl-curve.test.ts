import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import {
  connectSim,
  goLive,
  makeTradingWorld,
  MINUTE,
  nextWindow,
  placeOk,
  startSim,
  ticket,
  type TradingSim,
  type TradingWorld,
} from '../support/trading/world';

/** pnl:curve through the IPC contract: paper and a live account (the Alpaca simulator), from the journal. */

let w: TradingWorld;
let alpaca: TradingSim;
beforeAll(async () => {
  w = await makeTradingWorld();
  await w.g.ok('limits:set', { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });
  alpaca = await startSim('alpaca', w.clock);
});
afterAll(async () => {
  w.g.close();
  await alpaca.close();
});

const round2 = (n: number) => Math.round(n * 100) / 100;

describe('pnl:curve', () => {
  it('paper: realised on the day plus the open position marked at the feed, one point per fill', async () => {
    const bought = simulatedPriceAt('NSE:INFY', w.clock.now());
    await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'BUY', quantity: 10, type: 'MARKET' }));
    w.clock.advance(7 * MINUTE);
    const sold = simulatedPriceAt('NSE:INFY', w.clock.now());
    await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'SELL', quantity: 4, type: 'MARKET' }));
    w.clock.advance(3 * MINUTE);
    const now = simulatedPriceAt('NSE:INFY', w.clock.now());

    const curve = await w.g.ok('pnl:curve', { account: 'paper', timeZone: 'Asia/Kolkata' });
    expect(curve).toMatchObject({ mode: 'paper', fills: 2, marked: 'quote', to: w.clock.now() });
    expect(curve.points).toHaveLength(4);
    const last = curve.points.at(-1)!;
    expect(last.realized).toBe(round2(4 * (sold - bought)));
    expect(last.unrealized).toBe(round2(6 * (now - bought)));
    // The paper account agrees.
    const account = await w.g.ok('paper:account');
    expect(last.total).toBeCloseTo(account.realizedPnl + account.unrealizedPnl, 1);
  });

  it('a live account counts only its own journaled orders', async () => {
    nextWindow(w);
    const connection = await connectSim(w, alpaca);
    await goLive(w, connection.id);
    const order = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 3, type: 'MARKET' }));
    expect(order.state).toBe('FILLED');
    nextWindow(w);
    const curve = await w.g.ok('pnl:curve', { account: connection.id, timeZone: 'America/New_York' });
    expect(curve).toMatchObject({ mode: 'live', fills: 1, marked: 'quote' });
    expect(curve.points.at(-1)!.realized).toBe(0);
    // The paper curve did not take the live fill.
    expect((await w.g.ok('pnl:curve', { account: 'paper', timeZone: 'Asia/Kolkata' })).fills).toBe(2);
  });

  it('refuses a day that has not begun and an unknown time zone, in its own words', async () => {
    const later = await w.g.call('pnl:curve', { account: 'paper', day: '2099-01-01', timeZone: 'Asia/Kolkata' });
    expect(later.ok ? null : later.error).toMatchObject({ code: 'INVALID_INPUT', message: '2099-01-01 has not begun yet in Asia/Kolkata.' });
    const zone = await w.g.call('pnl:curve', { account: 'paper', timeZone: 'Mars/Olympus' });
    expect(zone.ok ? null : zone.error).toMatchObject({ code: 'INVALID_INPUT', message: '"Mars/Olympus" is not a time zone BrokerVault knows.' });
    const bad = await w.g.call('pnl:curve', { account: 'paper', day: '2026-02-31', timeZone: 'Asia/Kolkata' });
    expect(bad.ok ? null : bad.error.code).toBe('INVALID_INPUT');
  });
});
