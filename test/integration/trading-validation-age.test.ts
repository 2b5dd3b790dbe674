import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/main/clock';
import { connectSim, goLive, journal, makeTradingWorld, placeOk, startSim, ticket, type TradingSim, type TradingWorld } from '../support/trading/world';

/**
 * A live order needs a check of its connection within the broker's health interval (the Settings interval,
 * capped by the broker's own). An older check is made again before the order leaves; a failed one stops it.
 */

let w: TradingWorld;
let sim: TradingSim;
let connectionId: string;

beforeEach(async () => {
  w = await makeTradingWorld();
  sim = await startSim('alpaca', w.clock);
  connectionId = (await connectSim(w, sim)).id;
  await goLive(w, connectionId);
  w.net.sent.length = 0;
});
afterEach(async () => {
  w.g.close();
  await sim.close();
});

const order = () => ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 });
/** The requests the app sent to the broker, in order, as "METHOD /path". */
const sent = () => w.net.sent.map((r) => `${r.method} ${r.url}`);
const checksBeforeTheOrder = () =>
  sent()
    .slice(0, sent().indexOf('POST /v2/orders'))
    .filter((r) => r === 'GET /v2/account');

describe("the age of the live connection's last check", () => {
  it('an hour after the last check, the connection is checked again before the order leaves', async () => {
    w.clock.advance(HOUR);
    const placed = await placeOk(w.g, order());
    expect(placed.state).toBe('OPEN');
    expect(checksBeforeTheOrder()).toEqual(['GET /v2/account']);
    expect((await w.g.ok('connections:list')).find((c) => c.id === connectionId)?.lastValidatedAt).toBe(w.clock.now());
  });

  it('within the interval (5 minutes by default), no extra check', async () => {
    w.clock.advance(4 * MINUTE);
    await placeOk(w.g, order());
    expect(checksBeforeTheOrder()).toEqual([]);
  });

  it('the interval follows Settings: at 60 s, a check 2 minutes old is made again', async () => {
    await w.g.ok('settings:set', { checkIntervalSec: 60 });
    w.clock.advance(2 * MINUTE);
    await placeOk(w.g, order());
    expect(checksBeforeTheOrder()).toEqual(['GET /v2/account']);
  });

  it('a check that fails now stops the order: nothing is sent, and the trader is told why', async () => {
    w.clock.advance(HOUR);
    w.net.add((r) => (r.url.pathname === '/v2/account' ? 'before' : null));
    const result = await w.g.call('orders:place', order());
    expect(result.ok ? result.value : result.error).toMatchObject({
      code: 'LIVE_NOT_ALLOWED',
      message: expect.stringMatching(/did not pass its check .*not sent/),
    });
    expect(sent()).not.toContain('POST /v2/orders');
    expect(sim.exchange.list()).toEqual([]);
    expect(await journal(w.g)).toEqual([]);
  });
});
