import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRADING_TICK_MS } from '../../src/main/composition';
import { ManualClock } from '../../src/main/clock';
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
    const view = await w.g.ok('schedules:create', {
      name: 'Close buy',
      time: '15:10',
      timeZone: 'Asia/Kolkata',
      days: [5, 1, 2, 3, 4, 1],
      orders: [...BASKET],
    });
    id = view.id;
    expect(view).toMatchObject({ time: '15:10', timeZone: 'Asia/Kolkata', days: WEEKDAYS, enabled: true, nextRunAt: AT_1510, lastRun: null });
    expect(await w.g.ok('schedules:list')).toEqual([view]);
  });

  it('rejects an unknown time zone and a limit order without its price', async () => {
    const zone = await w.g.call('schedules:create', { name: 'x', time: '15:10', timeZone: 'Mars/Olympus', days: [1], orders: [BASKET[0]] });
    expect(zone.ok ? null : zone.error.code).toBe('INVALID_INPUT');
    const price = await w.g.call('schedules:create', {
      name: 'x',
      time: '15:10',
      timeZone: 'Asia/Kolkata',
      days: [1],
      orders: [{ symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'LIMIT' }],
    });
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

/** The app started at `at`, its timers running on the manual scheduler. */
async function appOpenAt(at: number): Promise<TradingWorld> {
  const world = await makeTradingWorld({ clock: new ManualClock(at) });
  await world.g.services.start();
  return world;
}

describe('exchange holidays', () => {
  let h: TradingWorld;
  beforeAll(async () => {
    // Friday 23 January 2026, 16:00 IST. Monday the 26th is Republic Day: NSE is closed, US markets open.
    h = await appOpenAt(Date.UTC(2026, 0, 23, 10, 30));
  });
  afterAll(() => h.g.close());

  const REPUBLIC_DAY_1510 = Date.UTC(2026, 0, 26, 9, 40);
  const TUESDAY_1510 = Date.UTC(2026, 0, 27, 9, 40);

  it("the next run skips a day the basket's exchange is closed, and the schedule says which holiday list it follows", async () => {
    const view = await h.g.ok('schedules:create', { name: 'NSE close', time: '15:10', timeZone: 'Asia/Kolkata', days: WEEKDAYS, orders: [BASKET[0]] });
    expect(view.nextRunAt).toBe(TUESDAY_1510);
    expect(view.markets).toEqual([{ market: 'NSE', name: 'NSE/BSE', calendar: 'holidays', holidaysThrough: '2026-12-31' }]);
    const mixed = await h.g.ok('schedules:create', {
      name: 'Both markets',
      time: '15:20',
      timeZone: 'Asia/Kolkata',
      days: WEEKDAYS,
      orders: [
        BASKET[0],
        { symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'MARKET' },
        { symbol: 'CRYPTO:BTCUSDT', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 },
      ],
    });
    // One of its exchanges is open on Republic Day, so the basket still runs that day.
    expect(mixed.nextRunAt).toBe(REPUBLIC_DAY_1510 + 10 * MINUTE);
    expect(mixed.markets.map((m) => [m.market, m.calendar, m.holidaysThrough])).toEqual([
      ['NSE', 'holidays', '2026-12-31'],
      ['US', 'holidays', '2028-12-31'],
      ['CRYPTO', 'always-open', null],
    ]);
  });

  it('on the holiday, nothing is placed for the closed exchange: the NSE basket is skipped, the mixed one places the rest', async () => {
    const notes = h.notes.length;
    // The app has been open over the weekend; its tick loop runs on through both baskets' times.
    h.clock.set(REPUBLIC_DAY_1510 - MINUTE);
    await h.scheduler.advance(12 * MINUTE);
    const orders = await journal(h.g);
    expect(orders.map((o) => [o.symbol, o.source]).sort()).toEqual([
      ['CRYPTO:BTCUSDT', 'schedule'],
      ['US:AAPL', 'schedule'],
    ]);
    const [nse, mixed] = await h.g.ok('schedules:list');
    expect(nse!.lastRun).toEqual({
      at: REPUBLIC_DAY_1510,
      outcome: 'skipped',
      message: 'Not run: NSE/BSE is closed on 2026-01-26 (Republic Day). Nothing was placed.',
    });
    expect(mixed!.lastRun).toEqual({
      at: REPUBLIC_DAY_1510 + 10 * MINUTE,
      outcome: 'ran',
      message: 'Placed 2 order(s). NSE:SBIN skipped: NSE/BSE is closed on 2026-01-26 (Republic Day).',
    });
    expect(h.notes.slice(notes)).toEqual([
      { title: 'Schedule "NSE close" skipped today', body: 'NSE/BSE is closed on 2026-01-26 (Republic Day). Nothing was placed.' },
      { title: 'Schedule "Both markets" ran', body: 'Placed 2 order(s). NSE:SBIN skipped: NSE/BSE is closed on 2026-01-26 (Republic Day).' },
    ]);
    expect(nse!.nextRunAt).toBe(TUESDAY_1510);
  });

  it('a holiday while the app was closed is reported skipped, not missed', async () => {
    h.g.close();
    // Reopened on Wednesday 4 March at 10:00 IST; Holi closed NSE on Tuesday the 3rd.
    h.clock.set(Date.UTC(2026, 2, 4, 4, 30));
    await h.restart();
    // Before closing, the last run on record was the skipped Republic Day.
    const [nse] = await h.g.ok('schedules:list');
    const notes = h.notes.length;
    await h.g.services.start();
    await h.scheduler.advance(2 * TRADING_TICK_MS);
    const [after] = await h.g.ok('schedules:list');
    expect(nse!.lastRun!.at).toBeLessThan(after!.lastRun!.at);
    expect(after!.lastRun).toEqual({ at: Date.UTC(2026, 2, 3, 9, 40), outcome: 'skipped', message: expect.stringContaining('(Holi)') });
    expect(h.notes.slice(notes).filter((n) => n.title.startsWith('Schedule "NSE close"'))).toEqual([]);
  });
});

describe('pausing a schedule, and the audit trail', () => {
  let p: TradingWorld;
  beforeAll(async () => {
    // Tuesday 1 September 2026, 09:30 IST: a normal NSE trading day.
    p = await appOpenAt(Date.UTC(2026, 8, 1, 4, 0));
  });
  afterAll(() => p.g.close());

  const TUESDAY_1510 = Date.UTC(2026, 8, 1, 9, 40);
  const audit = async (action: 'schedule.create' | 'schedule.update' | 'schedule.delete' | 'schedule.run') =>
    (await p.g.ok('audit:list', { action, limit: 50 })).entries.map((e) => e.detail);

  it('a paused schedule places nothing at its time, and resuming later does not report the paused run as missed', async () => {
    const created = await p.g.ok('schedules:create', { name: 'Daily', time: '15:10', timeZone: 'Asia/Kolkata', days: WEEKDAYS, orders: [BASKET[0]] });
    const paused = await p.g.ok('schedules:setEnabled', { id: created.id, enabled: false });
    expect(paused.enabled).toBe(false);
    const notes = p.notes.length;
    p.clock.set(TUESDAY_1510 - MINUTE);
    await p.scheduler.advance(5 * MINUTE);
    expect(await journal(p.g)).toEqual([]);

    // Resumed at 15:30, twenty minutes after the paused occurrence.
    const resumed = await p.g.ok('schedules:setEnabled', { id: created.id, enabled: true });
    await p.scheduler.advance(15 * MINUTE);
    expect(await journal(p.g)).toEqual([]);
    expect(p.notes.slice(notes)).toEqual([]);
    expect(resumed).toMatchObject({ enabled: true, lastRun: null, nextRunAt: TUESDAY_1510 + 24 * 60 * MINUTE });

    // The next day it runs as usual.
    p.clock.set(TUESDAY_1510 + 24 * 60 * MINUTE - MINUTE);
    await p.scheduler.advance(2 * MINUTE);
    expect((await journal(p.g)).map((o) => [o.symbol, o.source])).toEqual([['NSE:SBIN', 'schedule']]);
  });

  it('pausing twice changes nothing more; an unknown schedule is NOT_FOUND', async () => {
    const [view] = await p.g.ok('schedules:list');
    await p.g.ok('schedules:setEnabled', { id: view!.id, enabled: true });
    expect((await audit('schedule.update')).length).toBe(2);
    const unknown = await p.g.call('schedules:setEnabled', { id: 'f'.repeat(24), enabled: false });
    expect(unknown.ok ? null : unknown.error.code).toBe('NOT_FOUND');
  });

  it('every change and every run of a schedule is in the audit log', async () => {
    const [view] = await p.g.ok('schedules:list');
    await p.g.ok('schedules:delete', { id: view!.id });
    expect(await audit('schedule.create')).toEqual([
      { scheduleId: view!.id, name: 'Daily', time: '15:10 Asia/Kolkata', days: ['1', '2', '3', '4', '5'], orders: ['BUY 5 NSE:SBIN MARKET'] },
    ]);
    // Newest first: resumed, then paused.
    expect(await audit('schedule.update')).toEqual([
      { scheduleId: view!.id, name: 'Daily', enabled: true },
      { scheduleId: view!.id, name: 'Daily', enabled: false },
    ]);
    expect(await audit('schedule.run')).toEqual([
      {
        scheduleId: view!.id,
        name: 'Daily',
        occurrence: new Date(TUESDAY_1510 + 24 * 60 * MINUTE).toISOString(),
        outcome: 'ran',
        message: 'Placed 1 order(s).',
      },
    ]);
    expect(await audit('schedule.delete')).toEqual([{ scheduleId: view!.id, name: 'Daily' }]);
    expect((await p.g.ok('audit:verify')).ok).toBe(true);
  });

  it('the renderer hears of every change and run: schedules:changed carries the whole list', async () => {
    const pushed = () =>
      p.g.events
        .filter((e) => e.event === 'schedules:changed')
        .map((e) => e.payload as { schedules: { name: string; enabled: boolean; lastRun: { outcome: string } | null }[] });
    // So far: created, paused, resumed, one run, deleted.
    expect(pushed().map((e) => e.schedules.map((s) => [s.name, s.enabled, s.lastRun?.outcome ?? null]))).toEqual([
      [['Daily', true, null]],
      [['Daily', false, null]],
      [['Daily', true, null]],
      [['Daily', true, 'ran']],
      [],
    ]);
  });
});
