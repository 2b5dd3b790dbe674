import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRADING_TICK_MS } from '../../src/main/composition';
import { journal, makeTradingWorld, MINUTE, START, type TradingWorld } from '../support/trading/world';

/**
 * Scheduled baskets: created through IPC, run once at their time by the app's own timer (ManualScheduler
 * on the ManualClock) through the one order path, and reported missed, never run late, after the app was closed.
 */

let w: TradingWorld;
beforeAll(async () => {
  w = await makeTradingWorld();
  await w.g.services.start();
});
afterAll(() => w.g.close());

/** 15:10 IST on Monday 5 January 2026 (START is 09:30 IST that day). */
const AT_1510 = Date.UTC(2026, 0, 5, 9, 40);
const WEEKDAYS = [1, 2, 3, 4, 5];
const BASKET = [
  { symbol: 'NSE:SBIN', side: 'BUY', quantity: 5, type: 'MARKET' },
  { symbol: 'NSE:INFY', side: 'BUY', quantity: 2, type: 'LIMIT', limitPrice: 1 },
] as const;

describe('a basket for 15:10 Asia/Kolkata on weekdays', () => {
  let id: string;

  it('is created with its next run', async () => {
    const view = await w.g.ok('schedules:create', { name: 'Close buy', time: '15:10', timeZone: 'Asia/Kolkata', days: [5, 1, 2, 3, 4, 1], orders: [...BASKET] });
    id = view.id;
    expect(view).toMatchObject({ time: '15:10', timeZone: 'Asia/Kolkata', days: WEEKDAYS, enabled: true, nextRunAt: AT_1510, lastRun: null });
    expect(await w.g.ok('schedules:list')).toEqual([view]);
  });

  it('rejects an unknown time zone and a limit order without its price', async () => {
    const zone = await w.g.call('schedules:create', { name: 'x', time: '15:10', timeZone: 'Mars/Olympus', days: [1], orders: [BASKET[0]] });
    expect(zone.ok ? null : zone.error.code).toBe('INVALID_INPUT');
    const price = await w.g.call('schedules:create', { name: 'x', time: '15:10', timeZone: 'Asia/Kolkata', days: [1], orders: [{ symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'LIMIT' }] });
    expect(price.ok ? null : price.error.code).toBe('INVALID_INPUT');
  });

  it('places nothing before 15:10', async () => {
    // The app has been open all day; its tick loop keeps running on the manual scheduler.
    w.clock.set(AT_1510 - 2 * MINUTE);
    await w.scheduler.advance(MINUTE + 50_000);
    expect(await journal(w.g)).toEqual([]);
  });

  it('places the basket exactly once at 15:10, through the order path, as source "schedule"', async () => {
    const notes = w.notes.length;
    await w.scheduler.advanceTo(AT_1510 + TRADING_TICK_MS);
    // More ticks, and a tick of its own, place nothing more.
    await w.scheduler.advance(4 * TRADING_TICK_MS);
    await w.g.services.trading.tick();
    const orders = await journal(w.g);
    expect(orders.map((o) => [o.symbol, o.side, o.quantity, o.type, o.source, o.state]).sort()).toEqual([
      ['NSE:INFY', 'BUY', 2, 'LIMIT', 'schedule', 'OPEN'],
      ['NSE:SBIN', 'BUY', 5, 'MARKET', 'schedule', 'FILLED'],
    ]);
    expect(orders.every((o) => o.createdAt >= AT_1510 && o.createdAt <= AT_1510 + TRADING_TICK_MS)).toBe(true);
    expect(w.notes.slice(notes)).toEqual([{ title: 'Schedule "Close buy" ran', body: 'Placed 2 order(s).' }]);
    const [view] = await w.g.ok('schedules:list');
    expect(view).toMatchObject({ id, lastRun: { at: AT_1510, outcome: 'ran', message: 'Placed 2 order(s).' }, nextRunAt: AT_1510 + 24 * 60 * MINUTE });
  });

  it('does not run at the weekend: Friday is followed by Monday', async () => {
    // Saturday 10 January, 16:00 IST.
    w.clock.set(Date.UTC(2026, 0, 10, 10, 30));
    const [view] = await w.g.ok('schedules:list');
    expect(view!.nextRunAt).toBe(Date.UTC(2026, 0, 12, 9, 40));
  });
});

describe('a run while the app was closed', () => {
  it('is reported missed with a notification, and nothing is placed', async () => {
    // Monday 12 January, 15:00 IST: both baskets ahead.
    w.clock.set(Date.UTC(2026, 0, 12, 9, 30));
    await w.g.ok('schedules:delete', { id: (await w.g.ok('schedules:list'))[0]!.id });
    await w.g.ok('schedules:create', { name: 'Late buy', time: '15:10', timeZone: 'Asia/Kolkata', days: WEEKDAYS, orders: [BASKET[0]] });
    const before = (await journal(w.g)).length;

    w.g.close();
    // Reopened at 15:30 IST, twenty minutes after the basket was due.
    w.clock.set(Date.UTC(2026, 0, 12, 10, 0));
    const notes = w.notes.length;
    await w.restart();
    await w.g.services.start();
    await w.scheduler.advance(2 * TRADING_TICK_MS);

    expect((await journal(w.g)).length).toBe(before);
    const [view] = await w.g.ok('schedules:list');
    expect(view!.lastRun).toEqual({ at: Date.UTC(2026, 0, 12, 9, 40), outcome: 'missed', message: expect.stringMatching(/was not running/) });
    expect(w.notes.slice(notes)).toEqual([{ title: 'Schedule "Late buy" was missed', body: expect.stringContaining('nothing was placed') }]);
    expect(START).toBeLessThan(view!.lastRun!.at);
  });
});
