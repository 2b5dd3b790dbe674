import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/result';
import type { KillSwitchReportSchema } from '../../src/shared/schemas';
import type { z } from 'zod';
import { IN_FLIGHT_WAIT_MS } from '../../src/main/trading/kill-switch';
import { Hold, HeldRateLimiter } from '../support/trading/holds';
import { connectSim, drive, goLive, journal, makeTradingWorld, MINUTE, startSim, ticket, type TradingSim, type TradingWorld } from '../support/trading/world';

/**
 * Orders in flight against the kill switch and Back to paper. A placement is held at each of its awaits
 * (price, the validation, the rate-limit gate, the wire) while the trader stops trading; nothing may leave
 * after the stop, and what left before it is cancelled and reported.
 */

type Report = z.infer<typeof KillSwitchReportSchema>;

let w: TradingWorld;
let sim: TradingSim;
let connectionId: string;
let limiter: HeldRateLimiter;

async function liveOnAlpaca(): Promise<void> {
  w = await makeTradingWorld({ rateLimiter: (scheduler) => (limiter = new HeldRateLimiter(scheduler)) });
  sim = await startSim('alpaca', w.clock);
  connectionId = (await connectSim(w, sim)).id;
  await goLive(w, connectionId);
}

afterEach(async () => {
  w.net.clear();
  w.g.close();
  await sim.close();
});

const openAtBroker = () => sim.exchange.list().filter((o) => o.status === 'OPEN');
const resting = () => ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 });

describe('the kill switch with an order on the wire, at 0–300 ms of broker latency', () => {
  for (const latencyMs of [0, 50, 100, 200, 300]) {
    it(`${latencyMs} ms: the order that left before the stop is cancelled and reported; 0 stay open`, async () => {
      await liveOnAlpaca();
      w.net.latency = { ms: latencyMs, scheduler: w.scheduler };
      // The placement's POST has left the app and not yet reached the broker when the trader hits the kill switch;
      // it arrives `latencyMs` later, as does every other request.
      const onTheWire = w.net.hold(new Hold((r) => r.method === 'POST' && r.path === '/v2/orders'));
      const placing = w.g.call('orders:place', resting());
      await drive(w, onTheWire.reached);
      const engaging = w.g.ok('killswitch:engage', { closePositions: false });
      await w.scheduler.settle();
      onTheWire.release();
      const [report, placed] = await drive(w, Promise.all([engaging, placing]));

      expect(openAtBroker()).toEqual([]);
      const order = placed.ok && placed.value.status === 'placed' ? placed.value.order : null;
      expect(order?.brokerOrderId).toBeTruthy();
      expect(report.results).toContainEqual({
        mode: 'live',
        connectionId,
        target: `BUY 1 US:AAPL (${order!.brokerOrderId})`,
        action: 'cancel',
        outcome: 'done',
        message: null,
      });
      expect(report.results.filter((r) => r.outcome === 'failed')).toEqual([]);
      expect((await journal(w.g)).find((o) => o.id === order!.id)?.state).toBe('CANCELLED');
      expect(w.notes.at(-1)?.body).toMatch(/All open orders were cancelled/);
    });
  }
});

/** Where a placement waits before its order leaves, and how the test holds it there. */
const POINTS = {
  'the price fetch (order-value limit)': async () => {
    await w.g.ok('limits:set', { maxQuantity: null, maxOrderValue: 1_000_000, maxOrdersPerMinute: null });
    return {
      ticket: ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'MARKET' }),
      hold: w.net.hold(new Hold((r) => r.path.startsWith('/v2/stocks/'))),
    };
  },
  'the re-check of a stale validation': async () => {
    w.clock.advance(10 * MINUTE);
    return { ticket: resting(), hold: w.net.hold(new Hold((r) => r.method === 'GET' && r.path === '/v2/account')) };
  },
  'the rate-limit gate of the order request': async () => {
    const hold = new Hold((r) => r.method === 'POST' && r.path === '/v2/orders');
    limiter.hold = hold;
    return { ticket: resting(), hold };
  },
} as const;

const STOPS = {
  'the kill switch fires': async () => {
    const engaging = w.g.call('killswitch:engage', { closePositions: false });
    // The kill switch has locked live before the held placement goes on.
    await w.scheduler.settle();
    expect((await w.g.ok('mode:get')).locked).toBe(true);
    return async () => expect((await engaging).ok).toBe(true);
  },
  'the trader switches to paper': async () => {
    await w.g.ok('mode:goPaper');
    return async () => undefined;
  },
} as const;

describe('a placement held at each await point while trading stops: nothing is sent after the stop', () => {
  for (const [point, arrange] of Object.entries(POINTS)) {
    for (const [stop, fire] of Object.entries(STOPS)) {
      it(`held at ${point}, then ${stop}`, async () => {
        await liveOnAlpaca();
        const { ticket: t, hold } = await arrange();
        const placing = w.g.call('orders:place', t);
        // (Without a check at this point the placement never stops here and ends on its own.)
        await Promise.race([hold.reached, placing]);
        const finish = await fire();
        hold.release();
        const placed = await placing;
        await finish();

        expect(w.net.sent.filter((r) => r.method === 'POST' && r.url === '/v2/orders')).toEqual([]);
        expect(sim.exchange.list()).toEqual([]);
        // The trader is told plainly that the order did not leave (refused, or journaled as rejected).
        const said = placed.ok ? (placed.value.status === 'placed' ? placed.value.order.message : null) : placed.error.message;
        expect(placed.ok ? placed.value.status === 'placed' && placed.value.order.state : 'refused').toMatch(/refused|REJECTED/);
        expect(said).toMatch(/not sent/);
      });
    }
  }

  it('held on the wire (the POST has left): the kill switch waits for the answer, then cancels it', async () => {
    await liveOnAlpaca();
    const hold = w.net.hold(new Hold((r) => r.method === 'POST' && r.path === '/v2/orders'));
    const placing = w.g.call('orders:place', resting());
    await hold.reached;
    const engaging = w.g.call('killswitch:engage', { closePositions: false });
    await w.scheduler.settle();
    hold.release();
    const [placed, engaged] = await Promise.all([placing, engaging]);
    expect(placed.ok && engaged.ok).toBe(true);
    const report = (engaged as Result<Report> & { ok: true }).value;
    expect(openAtBroker()).toEqual([]);
    expect(report.results).toEqual([expect.objectContaining({ connectionId, action: 'cancel', outcome: 'done' })]);
  });

  it('a placement with no answer within the bound is reported as in flight, not as cancelled', async () => {
    await liveOnAlpaca();
    const hold = w.net.hold(new Hold((r) => r.method === 'POST' && r.path === '/v2/orders'));
    const placing = w.g.call('orders:place', resting());
    await hold.reached;
    const engaging = w.g.call('killswitch:engage', { closePositions: false });
    await w.scheduler.advance(IN_FLIGHT_WAIT_MS);
    const engaged = await engaging;
    hold.release();
    await placing;
    const report = (engaged as Result<Report> & { ok: true }).value;
    expect(report.results).toEqual([
      expect.objectContaining({
        connectionId,
        target: 'BUY 1 US:AAPL (in flight)',
        action: 'cancel',
        outcome: 'failed',
        message: expect.stringMatching(/check it at the broker/),
      }),
    ]);
    expect(w.notes.at(-1)?.body).toMatch(/1 action\(s\) failed/);
  });
});

describe('confirmations handed out before the kill switch', () => {
  it('a limit confirmation and a Go live confirmation are void after it', async () => {
    await liveOnAlpaca();
    await w.g.ok('limits:set', { maxQuantity: 1, maxOrderValue: null, maxOrdersPerMinute: null });
    const big = ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 5, type: 'LIMIT', limitPrice: 1 });
    const held = await w.g.ok('orders:place', big);
    expect(held.status).toBe('needs-confirmation');
    const goLiveAgain = await w.g.ok('mode:requestLive', { connectionId });
    await w.g.ok('killswitch:engage', { closePositions: false });
    await w.g.ok('mode:unlock');
    await w.g.ok('connections:validate', { id: connectionId });
    // Paper now: the old confirmation must not let the big order through without asking again.
    const again = await w.g.ok('orders:place', { ...big, confirmationId: held.status === 'needs-confirmation' ? held.confirmationId : undefined });
    expect(again.status).toBe('needs-confirmation');
    const confirmed = await w.g.call('mode:confirmLive', { confirmationId: goLiveAgain.confirmationId, typed: goLiveAgain.phrase });
    expect(confirmed.ok ? confirmed.value.mode : confirmed.error.code).toBe('CONFIRMATION_REQUIRED');
  });
});
