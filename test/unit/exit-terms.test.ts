import { describe, expect, it } from 'vitest';
import { checkExitTerms, exitStatus } from '../../src/main/brokers/exit-terms';
import { BrokerError, type BrokerOrder, type ProtectiveExitRequest } from '../../src/main/brokers/types';
import { SimExchange, priceAt } from '../simulators/exchange';
import { ManualClock } from '../../src/main/clock';

const base: ProtectiveExitRequest = {
  kind: 'bracket',
  symbol: 'US:AAPL',
  exitSide: 'SELL',
  quantity: 1,
  entry: { type: 'MARKET' },
  targetPrice: 110,
  stopPrice: 90,
  clientOrderId: 'ticket',
};

function refusal(kinds: Parameters<typeof checkExitTerms>[1], request: ProtectiveExitRequest): BrokerError {
  try {
    checkExitTerms('Broker', kinds, request);
  } catch (error) {
    expect(error).toBeInstanceOf(BrokerError);
    return error as BrokerError;
  }
  throw new Error('expected a refusal');
}

describe('checkExitTerms: what every native exit needs, in BrokerVault’s words', () => {
  it('accepts complete terms of each kind', () => {
    expect(() => checkExitTerms('Broker', ['bracket', 'oco', 'trailing'], base)).not.toThrow();
    expect(() => checkExitTerms('Broker', ['oco'], { ...base, kind: 'oco', entry: undefined })).not.toThrow();
    expect(() => checkExitTerms('Broker', ['trailing'], { ...base, kind: 'trailing', trail: { percent: 1 } })).not.toThrow();
  });

  it.each([
    ['a kind the broker does not hold', ['oco'], base, 'NOT_SUPPORTED', 'Broker does not hold bracket exits itself.'],
    ['no quantity', ['bracket'], { ...base, quantity: 0 }, 'BROKER_REJECTED', 'An exit needs a quantity above zero.'],
    ['a NaN quantity', ['bracket'], { ...base, quantity: Number.NaN }, 'BROKER_REJECTED', 'An exit needs a quantity above zero.'],
    ['no entry', ['bracket'], { ...base, entry: undefined }, 'BROKER_REJECTED', 'A bracket needs an entry order.'],
    ['a limit entry without price', ['bracket'], { ...base, entry: { type: 'LIMIT' as const } }, 'BROKER_REJECTED', 'A limit entry needs a limit price.'],
    [
      'no stop',
      ['oco'],
      { ...base, kind: 'oco' as const, stopPrice: undefined },
      'BROKER_REJECTED',
      'A bracket or OCO exit needs a target price and a stop price.',
    ],
    ['a negative stop-limit', ['oco'], { ...base, kind: 'oco' as const, stopLimitPrice: -1 }, 'BROKER_REJECTED', 'A stop-limit price must be above zero.'],
    ['no trail', ['trailing'], { ...base, kind: 'trailing' as const }, 'BROKER_REJECTED', 'A trailing stop needs a trail amount or percentage above zero.'],
    [
      'an infinite trail',
      ['trailing'],
      { ...base, kind: 'trailing' as const, trail: { amount: Infinity } },
      'BROKER_REJECTED',
      'A trailing stop needs a trail amount or percentage above zero.',
    ],
  ] as const)('refuses %s', (_what, kinds, request, code, message) => {
    expect(refusal(kinds, request as ProtectiveExitRequest)).toMatchObject({ code, message });
  });

  it('a group is active while any leg works', () => {
    const leg = (state: BrokerOrder['state']) => ({ state, role: 'stop' as const }) as BrokerOrder & { role: 'stop' };
    expect(exitStatus([leg('FILLED'), leg('OPEN')]).active).toBe(true);
    expect(exitStatus([leg('FILLED'), leg('CANCELLED')]).active).toBe(false);
  });
});

describe('SimExchange exit groups (the simulators’ native exits)', () => {
  const start = Date.UTC(2026, 0, 5, 15, 0, 0); // the price path rises for 2.5 minutes, then falls
  const held = { held: '1' };

  it('holds a bracket’s legs until the entry fills; a leg’s fill cancels its sibling', () => {
    const clock = new ManualClock(start);
    const ex = new SimExchange(clock, 1e6);
    const p = priceAt('AAPL', start);
    const entry = ex.place({ symbol: 'AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: Math.round(p * 0.9), extra: held });
    const target = ex.place({ symbol: 'AAPL', side: 'SELL', quantity: 1, type: 'LIMIT', limitPrice: p * 0.5, extra: held });
    const stop = ex.place({ symbol: 'AAPL', side: 'SELL', quantity: 1, type: 'STOP', stopPrice: p * 0.4, extra: held });
    ex.linkExit({ id: 'g', entry: entry.id, legs: [target.id, stop.id] });
    // The target would fill at once if it worked: held, it waits for the entry.
    expect([entry, target, stop].map((o) => [o.status, o.extra.held])).toEqual([
      ['OPEN', '0'],
      ['OPEN', '1'],
      ['OPEN', '1'],
    ]);
    ex.cancel(entry.id);
    expect([entry, target, stop].map((o) => o.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
  });

  it('fills the armed target and expires the stop with the reason the simulators report', () => {
    const clock = new ManualClock(start);
    const ex = new SimExchange(clock, 1e6);
    const p = priceAt('AAPL', start);
    const entry = ex.place({ symbol: 'AAPL', side: 'BUY', quantity: 1, type: 'MARKET', extra: held });
    const target = ex.place({ symbol: 'AAPL', side: 'SELL', quantity: 1, type: 'LIMIT', limitPrice: Math.round(p * 1.01 * 100) / 100, extra: held });
    const stop = ex.place({ symbol: 'AAPL', side: 'SELL', quantity: 1, type: 'STOP', stopPrice: p * 0.97, extra: held });
    ex.linkExit({ id: 'g', entry: entry.id, legs: [target.id, stop.id] });
    expect(entry.status).toBe('FILLED');
    clock.advance(60_000);
    ex.settle();
    expect([target.status, stop.status, stop.extra.cancelReason]).toEqual(['FILLED', 'CANCELLED', 'sibling filled']);
    expect(ex.positionList()[0]!.quantity).toBe(0);
  });

  it('trails a sell stop under the high, sampled at each settle, and fires on the way down', () => {
    const clock = new ManualClock(start);
    const ex = new SimExchange(clock, 1e6);
    ex.place({ symbol: 'SPY', side: 'BUY', quantity: 1, type: 'MARKET' });
    const trailing = ex.place({ symbol: 'SPY', side: 'SELL', quantity: 1, type: 'STOP', extra: { trailAmount: '5' } });
    let high = priceAt('SPY', start);
    for (let t = 0; t < 600_000 && trailing.status === 'OPEN'; t += 5_000) {
      clock.advance(5_000);
      ex.settle();
      high = Math.max(high, priceAt('SPY', clock.now()));
      if (trailing.status === 'OPEN') expect(trailing.stopPrice).toBe(Math.round((high - 5) * 100) / 100);
    }
    expect(trailing.status).toBe('FILLED');
    expect(trailing.averagePrice!).toBeLessThanOrEqual(high - 5);
  });
});
