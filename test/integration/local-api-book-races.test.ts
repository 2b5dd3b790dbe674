import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerbContext } from '../../src/main/local-api/verb';
import { PAPER_ACCOUNT_ID } from '../../src/main/local-api/keys';
import { ALL_VERBS } from '../../src/main/local-api/verbs';
import { runVerb } from '../../src/main/local-api/verbs/run';
import { makeTradingWorld, type TradingWorld } from '../support/trading/world';

/**
 * Races between a script's orders and its polls of the books, which are kept between writes (OrdersRepo.list, the
 * orderbook and tradebook verbs' kept replies, the paper trade list). Whatever the interleaving, a book read that
 * starts after an order was acknowledged holds that order, and its fill; and the last book equals the journal.
 */
let w: TradingWorld;
beforeAll(async () => {
  w = await makeTradingWorld();
});
afterAll(() => w.g.close());

const verb = (name: string) => ALL_VERBS.find((v) => v.name === name)!;
const ctx = (): VerbContext => ({ caller: { keyId: 'key-1', connectionIds: [PAPER_ACCOUNT_ID], permission: 'trade' }, services: w.g.services });
const call = async (name: string, body: Record<string, unknown> = {}) =>
  (await runVerb(verb(name), ctx(), { apikey: 'checked-by-the-server', ...body })).body as { status: string; orderid?: string; data?: any };

/** A deterministic shuffle, so a failing interleaving can be replayed from its seed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = items.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('races between orders and book polls', () => {
  it.each([1, 2, 3, 4, 5])('a book read that starts after an order is acknowledged holds it and its fill (interleaving %i)', async (seed) => {
    const acked = new Set<string>();
    const violations: string[] = [];
    const order = (i: number) => async () => {
      const reply = await call('placeorder', {
        strategy: 'race',
        symbol: i % 2 ? 'INFY' : 'TCS',
        exchange: 'NSE',
        action: 'BUY',
        quantity: 1,
        pricetype: 'MARKET',
        product: 'CNC',
      });
      expect(reply.status, JSON.stringify(reply)).toBe('success');
      acked.add(reply.orderid!);
    };
    const poll = (which: 'orderbook' | 'tradebook') => async () => {
      const expected = [...acked];
      const reply = await call(which);
      const ids = new Set<string>((which === 'orderbook' ? reply.data.orders : reply.data).map((r: { orderid: string }) => r.orderid));
      for (const id of expected) if (!ids.has(id)) violations.push(`${which} missed ${id}`);
    };
    const steps = shuffled(
      [...Array.from({ length: 12 }, (_, i) => order(i)), ...Array.from({ length: 12 }, (_, i) => poll(i % 2 ? 'orderbook' : 'tradebook'))],
      seed,
    );
    // Half run one after another, half all at once: both orders of events reach the kept answers.
    for (const step of steps.slice(0, 12)) await step();
    await Promise.all(steps.slice(12).map((step) => step()));
    await poll('orderbook')();
    await poll('tradebook')();
    expect(violations).toEqual([]);
    const book = (await call('orderbook')).data.orders.map((r: { orderid: string; order_status: string }) => [r.orderid, r.order_status]);
    const journal = w.g.services.trading.orders.list({ mode: 'paper', limit: 500 }).map((o) => [o.id, o.state === 'FILLED' ? 'complete' : o.state]);
    expect(book).toEqual(journal);
  });
});
