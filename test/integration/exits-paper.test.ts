import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExitRequest, ExitView } from '../../src/shared/exit-schemas';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { auditOf, journal, makeTradingWorld, placeOk, ticket, ticketId, type TradingWorld } from '../support/trading/world';

/**
 * Managed protective exits on paper (simulated prices, polled every second) through the IPC contract: a bracket whose
 * stop fires from the feed, a stop-loss with target on a held position, a trailing stop, cancel, the kill switch, and
 * a restart that re-arms.
 */

let w: TradingWorld;
beforeAll(async () => {
  w = await makeTradingWorld();
  await w.g.services.trading.start();
});
afterAll(() => w.g.close());

const SECOND = 1_000;

/** The first second after now (within an hour) at which `symbol`'s simulated price meets `test`. */
function firstSecond(symbol: string, test: (price: number) => boolean, from = w.clock.now()): number {
  for (let t = from + SECOND; t < from + 3_600 * SECOND; t += SECOND) if (test(simulatedPriceAt(symbol, t))) return t;
  throw new Error(`${symbol} never gets there`);
}

const request = (fields: Omit<ExitRequest, 'requestId'>): ExitRequest => ({ requestId: ticketId('exit'), ...fields });

async function placeExit(r: ExitRequest): Promise<ExitView> {
  const result = await w.g.ok('exits:place', r);
  if (result.status !== 'placed') throw new Error(`expected a placed exit, got ${JSON.stringify(result)}`);
  return result.exit;
}

const exitNow = async (id: string) => (await w.g.ok('exits:list', {})).find((e) => e.id === id)!;

/** Move manual time on a second at a time until `until`, letting the poll run at each. */
async function runUntil(until: number): Promise<void> {
  while (w.clock.now() < until) await w.scheduler.advance(SECOND);
  await w.scheduler.advance(SECOND);
}

async function position(symbol: string): Promise<number> {
  return (await w.g.ok('positions:list')).positions.find((p) => p.symbol === symbol)?.quantity ?? 0;
}

describe('a bracket managed by BrokerVault on paper', () => {
  it('enters, arms target and stop when the entry fills, and exits once when the feed crosses the stop', async () => {
    const symbol = 'NSE:INFY';
    const now = simulatedPriceAt(symbol, w.clock.now());
    const stop = Math.round(now * 0.996 * 100) / 100;
    const exit = await placeExit(
      request({ kind: 'bracket', symbol, exitSide: 'SELL', quantity: 5, entry: { type: 'MARKET' }, targetPrice: now * 1.5, stopPrice: stop }),
    );
    expect(exit).toMatchObject({ kind: 'bracket', handling: 'managed', mode: 'paper', state: 'armed', quantity: 5, stopPrice: stop, currentStop: stop });
    expect(await position(symbol)).toBe(5);
    const entry = (await journal(w.g)).find((o) => o.id === exit.entryOrderId)!;
    expect(entry).toMatchObject({ side: 'BUY', quantity: 5, state: 'FILLED', source: 'exit' });

    const crosses = firstSecond(symbol, (p) => p <= stop);
    // Just before the crossing, nothing has happened.
    await runUntil(crosses - 2 * SECOND);
    expect((await exitNow(exit.id)).state).toBe('armed');
    await runUntil(crosses);
    const done = await exitNow(exit.id);
    expect(done).toMatchObject({ state: 'done', triggeredBy: 'stop' });
    const sell = (await journal(w.g)).find((o) => o.id === done.exitOrderId)!;
    expect(sell).toMatchObject({ side: 'SELL', quantity: 5, type: 'MARKET', state: 'FILLED', source: 'exit', clientOrderId: `bv-xx-${exit.id}` });
    expect(sell.averagePrice!).toBeLessThanOrEqual(stop);
    expect(await position(symbol)).toBe(0);
    // One exit order only, and the trigger audited with its price and level.
    expect((await journal(w.g)).filter((o) => o.source === 'exit' && o.side === 'SELL' && o.symbol === symbol)).toHaveLength(1);
    const trigger = (await auditOf(w.g, 'exit.trigger')).find((e) => e.detail.exitId === exit.id)!;
    expect(trigger.detail).toMatchObject({ role: 'stop', level: stop, quantity: 5, kind: 'bracket' });
    expect((await auditOf(w.g, 'exit.arm')).some((e) => e.detail.exitId === exit.id)).toBe(true);
    // More ticks change nothing.
    await w.scheduler.advance(30 * SECOND);
    expect((await journal(w.g)).filter((o) => o.source === 'exit' && o.side === 'SELL' && o.symbol === symbol)).toHaveLength(1);
  });

  it('returns the same exit for a retried request and sends no second entry', async () => {
    const r = request({
      kind: 'bracket',
      symbol: 'NSE:TCS',
      exitSide: 'SELL',
      quantity: 1,
      entry: { type: 'LIMIT', limitPrice: 1 },
      targetPrice: 2,
      stopPrice: 0.5,
    });
    const first = await placeExit(r);
    const again = await placeExit(r);
    expect(again.id).toBe(first.id);
    expect(first.state).toBe('pending-entry');
    expect((await journal(w.g)).filter((o) => o.clientOrderId === `bv-xe-${first.id}`)).toHaveLength(1);
    // Cancelling it cancels its working entry too.
    const cancelled = await w.g.ok('exits:cancel', { exitId: first.id });
    expect(cancelled).toMatchObject({ state: 'cancelled', message: 'Cancelled by you.' });
    expect((await journal(w.g)).find((o) => o.id === first.entryOrderId)!.state).toBe('CANCELLED');
  });
});

describe('a stop-loss with target and a trailing stop on a held position', () => {
  it('refuses to protect a position that is not held, in plain words, storing nothing', async () => {
    const before = (await w.g.ok('exits:list', {})).length;
    const refused = await w.g.call(
      'exits:place',
      request({ kind: 'oco', symbol: 'NSE:SBIN', exitSide: 'SELL', quantity: 3, targetPrice: 2000, stopPrice: 100 }),
    );
    expect(refused.ok ? null : refused.error).toEqual({
      code: 'CONFLICT',
      message: 'No long position in NSE:SBIN is held, so there is nothing for this exit to protect.',
    });
    expect((await w.g.ok('exits:list', {})).length).toBe(before);
  });

  it('refuses a stop above the target of a long before anything happens', async () => {
    const refused = await w.g.call(
      'exits:place',
      request({ kind: 'oco', symbol: 'NSE:SBIN', exitSide: 'SELL', quantity: 3, targetPrice: 100, stopPrice: 200 }),
    );
    expect(refused.ok ? null : refused.error.code).toBe('INVALID_INPUT');
    expect(refused.ok ? '' : refused.error.message).toContain('The stop must be below the target when the exit sells.');
  });

  it('fires the target of a stop-loss with target as a limit at the target', async () => {
    const symbol = 'NSE:SBIN';
    await placeOk(w.g, ticket({ symbol, side: 'BUY', quantity: 3, type: 'MARKET' }));
    const now = simulatedPriceAt(symbol, w.clock.now());
    const target = Math.round(now * 1.004 * 100) / 100;
    const exit = await placeExit(request({ kind: 'oco', symbol, exitSide: 'SELL', quantity: 3, targetPrice: target, stopPrice: now * 0.5 }));
    expect(exit.state).toBe('armed');
    await runUntil(firstSecond(symbol, (p) => p >= target));
    const done = await exitNow(exit.id);
    expect(done).toMatchObject({ state: 'done', triggeredBy: 'target' });
    expect((await journal(w.g)).find((o) => o.id === done.exitOrderId)).toMatchObject({ side: 'SELL', type: 'LIMIT', limitPrice: target, state: 'FILLED' });
    expect(await position(symbol)).toBe(0);
  });

  it('ratchets a trailing stop with the best price and fires when the price falls back by the trail', async () => {
    const symbol = 'NSE:ITC';
    await placeOk(w.g, ticket({ symbol, side: 'BUY', quantity: 2, type: 'MARKET' }));
    const start = simulatedPriceAt(symbol, w.clock.now());
    const trail = Math.round(start * 0.003 * 100) / 100;
    const exit = await placeExit(request({ kind: 'trailing', symbol, exitSide: 'SELL', quantity: 2, trail: { amount: trail } }));
    expect(exit).toMatchObject({ state: 'armed', trailBest: start, currentStop: Math.round((start - trail) * 100) / 100 });
    // Walk the path: the best so far, and the first second at which the price falls back by the trail from it.
    let best = start;
    let fires = 0;
    for (let t = w.clock.now() + SECOND; fires === 0; t += SECOND) {
      const p = simulatedPriceAt(symbol, t);
      if (p > best) best = p;
      else if (p <= Math.round((best - trail) * 100) / 100) fires = t;
    }
    await runUntil(fires - 2 * SECOND);
    const armed = await exitNow(exit.id);
    expect(armed.state).toBe('armed');
    expect(armed.trailBest).toBe(best);
    await runUntil(fires);
    expect(await exitNow(exit.id)).toMatchObject({ state: 'done', triggeredBy: 'stop', trailBest: best });
    expect(await position(symbol)).toBe(0);
  });
});

describe('the kill switch and a restart', () => {
  it('re-arms a managed exit after a restart, and it still fires', async () => {
    const symbol = 'NSE:WIPRO';
    await placeOk(w.g, ticket({ symbol, side: 'BUY', quantity: 4, type: 'MARKET' }));
    const now = simulatedPriceAt(symbol, w.clock.now());
    const stop = Math.round(now * 0.997 * 100) / 100;
    const exit = await placeExit(request({ kind: 'oco', symbol, exitSide: 'SELL', quantity: 4, targetPrice: now * 2, stopPrice: stop }));
    await w.restart();
    await w.g.services.trading.start();
    expect((await w.g.ok('exits:list', { working: true })).map((e) => e.id)).toContain(exit.id);
    await runUntil(firstSecond(symbol, (p) => p <= stop));
    expect((await exitNow(exit.id)).state).toBe('done');
    expect(await position(symbol)).toBe(0);
  });

  it('cancels every managed exit, audits it, and nothing fires afterwards', async () => {
    const symbol = 'NSE:HDFCBANK';
    await placeOk(w.g, ticket({ symbol, side: 'BUY', quantity: 1, type: 'MARKET' }));
    const now = simulatedPriceAt(symbol, w.clock.now());
    const stop = Math.round(now * 0.997 * 100) / 100;
    const exit = await placeExit(request({ kind: 'oco', symbol, exitSide: 'SELL', quantity: 1, targetPrice: now * 2, stopPrice: stop }));
    const report = await w.g.ok('killswitch:engage', { closePositions: false });
    expect(report.results).toContainEqual({
      mode: 'paper',
      connectionId: null,
      target: `stop-loss with target: SELL 1 ${symbol}`,
      action: 'cancel',
      outcome: 'done',
      message: null,
    });
    expect(await exitNow(exit.id)).toMatchObject({ state: 'cancelled', message: 'Cancelled by the kill switch.' });
    expect((await auditOf(w.g, 'exit.cancel')).some((e) => e.detail.exitId === exit.id)).toBe(true);
    await runUntil(firstSecond(symbol, (p) => p <= stop) + 10 * SECOND);
    expect(await position(symbol)).toBe(1);
    expect((await journal(w.g)).filter((o) => o.clientOrderId === `bv-xx-${exit.id}`)).toEqual([]);
    await w.g.ok('mode:unlock');
  });
});
