import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderView } from '../../src/shared/schemas';
import { KILL_SWITCH_DEADLINE_MS } from '../../src/main/trading/kill-switch';
import {
  auditOf,
  connectSim,
  drive,
  goLive,
  makeTradingWorld,
  nextWindow,
  placeOk,
  startSim,
  ticket,
  type TradingSim,
  type TradingWorld,
} from '../support/trading/world';

/**
 * The kill switch against a broker that says "not now": Angel One's per-second windows (a read from another
 * window or script in the same second), and requests that get no answer. Reads and cancels are tried again
 * on the scheduler until done or the 30 s deadline, the trader sees where it is, and the report says what is
 * still open. The app's own rate limiter and the simulator's windows both run on the manual clock.
 */

let w: TradingWorld;
let sim: TradingSim;
let connectionId: string;
const resting: OrderView[] = [];

const BOOK = '/rest/secure/angelbroking/order/v1/getOrderBook';
const CANCEL = '/rest/secure/angelbroking/order/v1/cancelOrder';

beforeEach(async () => {
  w = await makeTradingWorld();
  sim = await startSim('angel-one', w.clock);
  connectionId = (await connectSim(w, sim)).id;
  nextWindow(w);
  await goLive(w, connectionId);
  resting.length = 0;
  for (const price of [1, 2, 3]) {
    nextWindow(w);
    resting.push(await placeOk(w.g, ticket({ symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: price })));
  }
  expect(resting.map((o) => o.state)).toEqual(['OPEN', 'OPEN', 'OPEN']);
  nextWindow(w);
});
afterEach(async () => {
  w.net.clear();
  w.g.close();
  await sim.close();
});

const openAtBroker = () => sim.exchange.list().filter((o) => o.status === 'OPEN');
const progress = (from: number) =>
  w.g.events.slice(from).flatMap((e) => (e.event === 'killswitch:progress' ? [(e.payload as { message: string }).message] : []));

describe('the kill switch retries what the broker refuses for now', () => {
  it('another read in the same second ("rate limit reached"): the read is tried again, every order is cancelled', async () => {
    w.net.echoOnce((r) => r.url.pathname === BOOK);
    const events = w.g.events.length;
    const report = await drive(w, w.g.ok('killswitch:engage', { closePositions: false }));

    expect(openAtBroker()).toEqual([]);
    expect(report.results.filter((r) => r.outcome === 'failed')).toEqual([]);
    expect(report.results.map((r) => r.target).sort()).toEqual(resting.map((o) => `BUY 1 NSE:SBIN (${o.brokerOrderId})`).sort());
    expect(w.notes.at(-1)?.body).toMatch(/All open orders were cancelled/);
    // The trader saw the wait and the count.
    const said = progress(events);
    expect(said).toContainEqual(expect.stringMatching(/^Reading the order book \(angel-one main\): the broker asked BrokerVault to slow down/));
    expect(said).toEqual(expect.arrayContaining(['Cancelling 1 of 3…', 'Cancelling 2 of 3…', 'Cancelling 3 of 3…']));
    expect(said.at(-1)).toBe('Done.');
  });

  it("a cancel that got no answer is sent again, and the report matches the broker's book", async () => {
    let lost = 0;
    w.net.add((r) => (r.url.pathname === CANCEL && lost++ < 2 ? 'before' : null));
    const report = await drive(w, w.g.ok('killswitch:engage', { closePositions: false }));
    expect(lost).toBeGreaterThan(2);
    expect(openAtBroker()).toEqual([]);
    expect(report.results.filter((r) => r.outcome === 'failed')).toEqual([]);
    expect(report.results).toHaveLength(3);
  });

  it('cancels refused until the 30 s deadline: it stops there and says which orders are still open', async () => {
    w.net.add((r) => (r.url.pathname === CANCEL ? 'before' : null));
    const started = w.clock.now();
    const report = await drive(w, w.g.ok('killswitch:engage', { closePositions: false }), { stepMs: 100 });
    expect(w.clock.now() - started).toBeLessThanOrEqual(KILL_SWITCH_DEADLINE_MS + 1_000);

    expect(openAtBroker()).toHaveLength(3);
    expect(report.results).toHaveLength(3);
    for (const r of report.results)
      expect(r).toMatchObject({ connectionId, action: 'cancel', outcome: 'failed', message: expect.stringMatching(/still open at the broker/) });
    expect(w.notes.at(-1)?.body).toMatch(/3 action\(s\) failed/);
    expect((await auditOf(w.g, 'killswitch.engage'))[0]!.detail).toMatchObject({ cancelled: 0, failed: 3 });
    // Live stays locked whatever the broker did.
    expect((await w.g.ok('mode:get')).locked).toBe(true);
  });

  it('an order book that cannot be read for 30 s is reported by name, once the deadline passes', async () => {
    w.net.add((r) => (r.url.pathname === BOOK ? 'before' : null));
    const started = w.clock.now();
    const report = await drive(w, w.g.ok('killswitch:engage', { closePositions: false }), { stepMs: 100 });
    expect(w.clock.now() - started).toBeGreaterThanOrEqual(KILL_SWITCH_DEADLINE_MS - 8_000);
    expect(w.clock.now() - started).toBeLessThanOrEqual(KILL_SWITCH_DEADLINE_MS + 1_000);
    expect(report.results).toEqual([
      { mode: 'live', connectionId, target: 'order book of "angel-one main"', action: 'cancel', outcome: 'failed', message: expect.any(String) },
    ]);
  });
});
