import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../src/shared/schemas';
import {
  auditOf,
  connectSim,
  drive,
  goLive,
  journal,
  makeTradingWorld,
  nextWindow,
  placeOk,
  startSim,
  ticket,
  type TradingSim,
  type TradingWorld,
} from '../support/trading/world';

/**
 * The kill switch with orders open on three brokers and in paper: every open order cancelled and reported,
 * positions closed on request, the app back in paper and live locked until the trader unlocks it.
 */

let w: TradingWorld;
const sims: Record<string, TradingSim> = {};
const ids: Record<string, string> = {};
const resting: Record<string, OrderView> = {};

const BROKERS = [
  { broker: 'alpaca', symbol: 'US:AAPL', held: 'US:MSFT' },
  { broker: 'tradier', symbol: 'US:TSLA', held: 'US:SPY' },
  { broker: 'dhan', symbol: 'NSE:SBIN', held: 'NSE:INFY' },
] as const;

beforeAll(async () => {
  w = await makeTradingWorld();
  for (const { broker } of BROKERS) {
    sims[broker] = await startSim(broker, w.clock);
    ids[broker] = (await connectSim(w, sims[broker])).id;
  }
  // Paper: one resting order and one position.
  // Paper prices come from Dhan's quote endpoint (1 a second): the app's limiter paces them on manual time.
  resting.paper = await drive(w, placeOk(w.g, ticket({ symbol: 'NSE:TCS', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 })));
  await drive(w, placeOk(w.g, ticket({ symbol: 'NSE:ITC', side: 'BUY', quantity: 4, type: 'MARKET' })));
  // Each broker in turn: live, one resting limit order and one position.
  for (const { broker, symbol, held } of BROKERS) {
    nextWindow(w);
    await w.g.ok('connections:validate', { id: ids[broker]! });
    await goLive(w, ids[broker]!);
    resting[broker] = await placeOk(w.g, ticket({ symbol, side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 }));
    nextWindow(w);
    expect((await placeOk(w.g, ticket({ symbol: held, side: 'BUY', quantity: 3, type: 'MARKET' }))).state, broker).toBe('FILLED');
    await w.g.ok('mode:goPaper');
  }
  await goLive(w, ids.tradier!);
  // Saved but never signed in: BrokerVault cannot have orders there, so the kill switch has nothing to do (and nothing to fail).
  await w.g.ok('connections:connect', {
    broker: 'zerodha',
    label: 'Kite, not signed in',
    environment: 'live',
    fields: { api_key: 'kitekey0signin01', api_secret: 'kitesecret0000000000000000000001' },
    apiHost: 'http://127.0.0.1:9',
  });
}, 30_000);
afterAll(async () => {
  w.g.close();
  await Promise.all(Object.values(sims).map((s) => s.close()));
});

describe('engaging the kill switch', () => {
  it('cancels every open order everywhere, closes positions, goes paper and locks live', async () => {
    for (const [venue, order] of Object.entries(resting)) expect(order.state, venue).toBe('OPEN');
    nextWindow(w);
    const notes = w.notes.length;
    const engagedAt = w.clock.now();
    // Closing the paper position asks Dhan for a price again: the app's limiter paces it on manual time.
    const report = await drive(w, w.g.ok('killswitch:engage', { closePositions: true }));

    expect(report.mode).toEqual({
      mode: 'paper',
      live: null,
      locked: true,
      lastChange: { at: engagedAt, to: 'paper', by: 'trader', reason: 'Kill switch engaged.' },
    });
    expect(report.results.filter((r) => r.outcome === 'failed')).toEqual([]);
    const cancels = report.results.filter((r) => r.action === 'cancel');
    const closes = report.results.filter((r) => r.action === 'close');
    // One cancel per resting order, one close per position, each named by venue.
    expect(cancels.map((r) => [r.mode, r.connectionId]).sort()).toEqual([['paper', null], ...BROKERS.map(({ broker }) => ['live', ids[broker]])].sort());
    for (const { broker, symbol } of BROKERS) {
      expect(cancels.find((r) => r.connectionId === ids[broker])!.target, broker).toContain(`BUY 1 ${symbol} (${resting[broker]!.brokerOrderId})`);
    }
    expect(closes.map((r) => r.target).sort()).toEqual(['SELL 3 NSE:INFY', 'SELL 3 US:MSFT', 'SELL 3 US:SPY', 'SELL 4 NSE:ITC']);

    // At the brokers: nothing left open, nothing held.
    for (const { broker } of BROKERS) {
      expect(
        sims[broker]!.exchange.list().filter((o) => o.status === 'OPEN'),
        broker,
      ).toEqual([]);
      expect(
        sims[broker]!.exchange.positionList().filter((p) => p.quantity !== 0),
        broker,
      ).toEqual([]);
    }
    expect((await w.g.ok('positions:list')).positions.filter((p) => p.quantity !== 0)).toEqual([]);

    // The journal knows: the resting orders are cancelled, the closing orders came from the kill switch.
    const entries = await journal(w.g);
    for (const [venue, order] of Object.entries(resting)) expect(entries.find((o) => o.id === order.id)?.state, venue).toBe('CANCELLED');
    expect(entries.find((o) => o.id === resting.paper!.id)?.message).toBe('Cancelled by the kill switch.');
    expect(
      entries
        .filter((o) => o.source === 'killswitch')
        .map((o) => [o.symbol, o.state])
        .sort(),
    ).toEqual([
      ['NSE:INFY', 'FILLED'],
      ['NSE:ITC', 'FILLED'],
      ['US:MSFT', 'FILLED'],
      ['US:SPY', 'FILLED'],
    ]);
    const cancelAudits = await auditOf(w.g, 'order.cancel');
    for (const order of Object.values(resting)) expect(cancelAudits.some((e) => e.detail.orderId === order.id)).toBe(true);
    expect((await auditOf(w.g, 'killswitch.engage'))[0]!.detail).toEqual({ closePositions: true, cancelled: 4, closed: 4, failed: 0, inFlight: 0 });
    expect(w.notes.slice(notes)).toContainEqual({ title: 'Kill switch engaged', body: expect.stringContaining('Live trading is locked') });
  });

  it('keeps live locked until mode:unlock', async () => {
    for (const { broker } of BROKERS) {
      const refused = await w.g.call('mode:requestLive', { connectionId: ids[broker]! });
      expect(refused.ok ? null : refused.error, broker).toMatchObject({
        code: 'LIVE_NOT_ALLOWED',
        message: expect.stringMatching(/locked by the kill switch/),
      });
    }
    // Still locked after a restart.
    await w.restart();
    expect((await w.g.ok('mode:get')).locked).toBe(true);
    const status = await w.g.ok('mode:unlock');
    expect(status).toMatchObject({ mode: 'paper', live: null, locked: false, lastChange: { to: 'paper', by: 'trader', reason: 'Kill switch engaged.' } });
    nextWindow(w);
    await w.g.ok('connections:validate', { id: ids.alpaca! });
    await goLive(w, ids.alpaca!);
  });

  it('without closing positions: cancels only, and reports an order book it cannot read', async () => {
    nextWindow(w);
    const order = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 }));
    await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'MARKET' }));
    // Tradier's order book cannot be read this time.
    w.net.add((r) => (r.url.pathname.includes('/v1/accounts/') && r.method === 'GET' ? 'before' : null));
    nextWindow(w);
    // The read is tried again until the kill switch's deadline (manual time), then reported as failed.
    const report = await drive(w, w.g.ok('killswitch:engage', { closePositions: false }), { stepMs: 100 });
    w.net.clear();
    expect(report.results.filter((r) => r.action === 'close')).toEqual([]);
    expect(report.results).toContainEqual({
      mode: 'live',
      connectionId: ids.alpaca,
      target: `BUY 1 US:AAPL (${order.brokerOrderId})`,
      action: 'cancel',
      outcome: 'done',
      message: null,
    });
    expect(report.results).toContainEqual({
      mode: 'live',
      connectionId: ids.tradier,
      target: 'order book of "tradier main"',
      action: 'cancel',
      outcome: 'failed',
      message: expect.any(String),
    });
    expect(sims.alpaca!.exchange.positionList().find((p) => p.symbol === 'AAPL')?.quantity).toBe(1);
    expect(w.notes.at(-1)).toEqual({ title: 'Kill switch engaged', body: expect.stringMatching(/1 action\(s\) failed/) });
    expect((await w.g.ok('audit:verify')).ok).toBe(true);
  });
});
