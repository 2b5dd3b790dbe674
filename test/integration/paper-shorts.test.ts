import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/main/clock';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { auditOf, journal, makeTradingWorld, MINUTE, placeOk, ticket, type TradingWorld } from '../support/trading/world';

/** Short selling in paper mode through the IPC contract (orders:place → the one order path → the paper engine). */

let w: TradingWorld;
beforeAll(async () => {
  w = await makeTradingWorld();
});
afterAll(() => w.g.close());

const round2 = (n: number) => Math.round(n * 100) / 100;

describe('paper shorts through orders:place', () => {
  it('refuses a CNC short with the reason, journaled as rejected, and holds nothing', async () => {
    const order = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'SELL', quantity: 5, type: 'MARKET', product: 'CNC' }));
    expect(order).toMatchObject({
      mode: 'paper',
      state: 'REJECTED',
      message: 'Short selling is not allowed on CNC (delivery): you hold no NSE:INFY. Choose MIS or NRML to sell short.',
    });
    expect((await journal(w.g)).find((o) => o.clientOrderId === order.clientOrderId)?.state).toBe('REJECTED');
    expect((await w.g.ok('positions:list')).positions).toEqual([]);
  });

  it('opens an MIS short as a negative position and covers it with a buy, realising the P&L', async () => {
    const sold = simulatedPriceAt('NSE:INFY', w.clock.now());
    const sell = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'SELL', quantity: 5, type: 'MARKET', product: 'MIS' }));
    expect(sell).toMatchObject({ state: 'FILLED', filledQuantity: 5, averagePrice: sold });
    expect((await w.g.ok('positions:list')).positions).toEqual([
      { symbol: 'NSE:INFY', quantity: -5, averagePrice: sold, lastPrice: sold, unrealizedPnl: 0, realizedPnl: 0 },
    ]);
    expect(await w.g.ok('paper:account')).toMatchObject({ cash: round2(1_000_000 + 5 * sold), equity: 1_000_000 });

    w.clock.advance(5 * MINUTE);
    const bought = simulatedPriceAt('NSE:INFY', w.clock.now());
    expect((await w.g.ok('positions:list')).positions[0]).toMatchObject({ quantity: -5, unrealizedPnl: round2(5 * (sold - bought)) });
    const cover = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'BUY', quantity: 5, type: 'MARKET', product: 'MIS' }));
    expect(cover).toMatchObject({ state: 'FILLED', averagePrice: bought });
    expect((await w.g.ok('positions:list')).positions[0]).toMatchObject({ quantity: 0, realizedPnl: round2(5 * (sold - bought)) });
    expect(await w.g.ok('paper:account')).toMatchObject({ realizedPnl: round2(5 * (sold - bought)), unrealizedPnl: 0 });
  });
});

describe('paper MIS square-off through the one order path, on the injected clock', () => {
  let v: TradingWorld;
  // Monday 7 December 2026, 10:00 in India.
  const clock = new ManualClock(Date.UTC(2026, 11, 7, 4, 30));
  beforeAll(async () => {
    v = await makeTradingWorld({ clock });
    // A limit the square-off must not be held by: its closing orders only reduce risk.
    await v.g.ok('limits:set', { maxQuantity: 1, maxOrderValue: null, maxOrdersPerMinute: null });
  });
  afterAll(() => v.g.close());

  it('closes an MIS short at 15:20 IST with a journaled, audited order of source squareoff, and cancels open MIS orders', async () => {
    await v.g.ok('limits:set', { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });
    await placeOk(v.g, ticket({ symbol: 'NSE:SBIN', side: 'SELL', quantity: 4, type: 'MARKET', product: 'MIS' }));
    await placeOk(v.g, ticket({ symbol: 'NSE:TCS', side: 'SELL', quantity: 1, type: 'MARKET', product: 'NRML' }));
    const resting = await placeOk(v.g, ticket({ symbol: 'NSE:ITC', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1, product: 'MIS' }));
    await v.g.ok('limits:set', { maxQuantity: 1, maxOrderValue: null, maxOrdersPerMinute: null });
    clock.set(Date.UTC(2026, 11, 7, 9, 49)); // 15:19 IST
    await v.g.ok('orders:refresh');
    expect((await v.g.ok('positions:list')).positions.map((p) => [p.symbol, p.quantity])).toEqual([
      ['NSE:SBIN', -4],
      ['NSE:TCS', -1],
    ]);
    clock.advance(MINUTE); // 15:20 IST
    await v.g.ok('orders:refresh');
    expect((await v.g.ok('positions:list')).positions.map((p) => [p.symbol, p.quantity])).toEqual([
      ['NSE:SBIN', 0],
      ['NSE:TCS', -1],
    ]);
    const squared = (await journal(v.g)).filter((o) => o.source === 'squareoff');
    expect(squared).toEqual([
      expect.objectContaining({
        mode: 'paper',
        symbol: 'NSE:SBIN',
        side: 'BUY',
        quantity: 4,
        type: 'MARKET',
        product: 'MIS',
        state: 'FILLED',
        message: expect.stringMatching(/^Squared off at .*15:20 IST/),
      }),
    ]);
    expect((await journal(v.g)).find((o) => o.id === resting.id)).toMatchObject({
      state: 'CANCELLED',
      message: 'Cancelled at the intraday square-off (MIS, 15:20 IST).',
    });
    expect((await auditOf(v.g, 'order.submit')).find((e) => e.detail.orderId === squared[0]!.id)).toMatchObject({
      detail: { source: 'squareoff', mode: 'paper', symbol: 'NSE:SBIN', side: 'BUY', quantity: 4 },
    });
    expect((await auditOf(v.g, 'order.cancel')).find((e) => e.detail.orderId === resting.id)).toMatchObject({ detail: { source: 'squareoff' } });
    // Again (the next tick, or after a restart): nothing is closed twice.
    await v.g.services.trading.tick();
    await v.restart();
    await v.g.ok('orders:refresh');
    expect((await journal(v.g)).filter((o) => o.source === 'squareoff')).toHaveLength(1);
    expect(await v.g.ok('audit:verify')).toMatchObject({ ok: true });
  });

  it('sends nothing while the kill switch runs, and closes what is still due on the first tick after it', async () => {
    clock.set(Date.UTC(2026, 11, 8, 4, 30)); // Tuesday 10:00 IST
    await v.g.ok('limits:set', { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });
    await placeOk(v.g, ticket({ symbol: 'NSE:INFY', side: 'SELL', quantity: 2, type: 'MARKET', product: 'MIS' }));
    clock.set(Date.UTC(2026, 11, 8, 9, 55)); // 15:25 IST: due
    // A placement in flight holds the kill switch in its wait, with trading halted.
    const desk = v.g.services.trading.paper;
    const place = desk.place;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    desk.place = async (...args) => {
      await held;
      return place(...args);
    };
    const inFlight = v.g.call('orders:place', ticket({ symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET', product: 'CNC' }));
    await v.scheduler.settle();
    let finished = false;
    const engaged = v.g.call('killswitch:engage', { closePositions: false }).finally(() => (finished = true));
    await v.scheduler.settle();
    await v.g.ok('orders:refresh');
    expect(finished).toBe(false);
    expect((await journal(v.g)).filter((o) => o.source === 'squareoff' && o.symbol === 'NSE:INFY')).toEqual([]);
    expect((await v.g.ok('positions:list')).positions.find((p) => p.symbol === 'NSE:INFY')?.quantity).toBe(-2);

    release();
    desk.place = place;
    await inFlight;
    const report = await engaged;
    expect(report.ok).toBe(true);
    // The kill switch left positions open (closePositions: false); the square-off closes the due MIS one next.
    await v.g.services.trading.tick();
    expect((await v.g.ok('positions:list')).positions.find((p) => p.symbol === 'NSE:INFY')?.quantity).toBe(0);
    expect((await journal(v.g)).filter((o) => o.source === 'squareoff' && o.symbol === 'NSE:INFY')).toEqual([
      expect.objectContaining({ side: 'BUY', quantity: 2, state: 'FILLED' }),
    ]);
  });

  it('has nothing left to do after a kill switch that closed the positions itself', async () => {
    clock.set(Date.UTC(2026, 11, 9, 4, 30)); // Wednesday 10:00 IST
    await placeOk(v.g, ticket({ symbol: 'NSE:ITC', side: 'SELL', quantity: 3, type: 'MARKET', product: 'MIS' }));
    clock.set(Date.UTC(2026, 11, 9, 9, 55)); // 15:25 IST
    await v.g.ok('killswitch:engage', { closePositions: true });
    await v.g.services.trading.tick();
    const itc = (await journal(v.g)).filter((o) => o.symbol === 'NSE:ITC' && o.createdAt >= Date.UTC(2026, 11, 9, 9, 55));
    expect(itc.map((o) => [o.source, o.side, o.quantity, o.state])).toEqual([['killswitch', 'BUY', 3, 'FILLED']]);
  });
});
