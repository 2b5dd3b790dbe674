import { describe, expect, it } from 'vitest';
import { calendarOf, holidayAt, sessionOpenAt } from '../../src/main/trading/market-calendar';

describe('market calendars', () => {
  it('maps each exchange of the common symbol form to its calendar', () => {
    expect(['NSE:INFY', 'BSE:SBIN', 'NFO:NIFTY26JANFUT', 'bfo:SENSEX'].map((s) => calendarOf(s).market)).toEqual(['NSE', 'NSE', 'NSE', 'NSE']);
    expect(calendarOf('US:AAPL')).toMatchObject({ kind: 'holidays', market: 'US', timeZone: 'America/New_York' });
    expect(calendarOf('CRYPTO:BTCUSDT')).toMatchObject({ kind: 'always-open' });
    expect(calendarOf('MCX:CRUDEOIL')).toEqual({ kind: 'unknown', market: 'MCX', name: 'MCX' });
  });

  it("reads the holiday on the exchange's own date, not UTC's", () => {
    const us = calendarOf('US:AAPL');
    // Thanksgiving, 26 November 2026: 22:00 in New York is already the 27th in UTC.
    expect(holidayAt(us, Date.UTC(2026, 10, 27, 3, 0))).toEqual({ date: '2026-11-26', holiday: 'Thanksgiving Day' });
    // 00:30 on the 27th in New York: open again.
    expect(holidayAt(us, Date.UTC(2026, 10, 27, 5, 30))).toBeNull();
    const nse = calendarOf('NSE:INFY');
    // Guru Nanak Jayanti, 24 November 2026: 00:30 IST is still the 23rd in UTC.
    expect(holidayAt(nse, Date.UTC(2026, 10, 23, 19, 0))).toEqual({ date: '2026-11-24', holiday: 'Prakash Gurpurb Sri Guru Nanak Dev' });
    expect(holidayAt(nse, Date.UTC(2026, 10, 23, 18, 0))).toBeNull();
  });

  it('knows nothing closes crypto, and nothing about exchanges without a list', () => {
    expect(holidayAt(calendarOf('CRYPTO:BTCUSDT'), Date.UTC(2026, 11, 25, 12))).toBeNull();
    expect(holidayAt(calendarOf('MCX:CRUDEOIL'), Date.UTC(2026, 0, 26, 6))).toBeNull();
  });

  it("every listed holiday is a weekday inside the list's range", () => {
    for (const symbol of ['NSE:INFY', 'US:AAPL']) {
      const calendar = calendarOf(symbol);
      if (calendar.kind !== 'holidays') throw new Error(`${symbol} has no holiday list`);
      for (const date of Object.keys(calendar.holidays)) {
        const day = new Date(`${date}T12:00:00Z`).getUTCDay();
        expect([0, 6], `${symbol} ${date}`).not.toContain(day);
        expect(date <= calendar.through, `${symbol} ${date}`).toBe(true);
      }
    }
  });
});

describe('sessionOpenAt: a silent feed is stale only while its market trades', () => {
  it('NSE trades 09:15–15:30 IST on weekdays that are not holidays', () => {
    // 2026-12-07 is a Monday. 09:15 IST = 03:45 UTC.
    expect(sessionOpenAt('NSE:INFY', Date.UTC(2026, 11, 7, 3, 44))).toBe(false);
    expect(sessionOpenAt('NSE:INFY', Date.UTC(2026, 11, 7, 3, 45))).toBe(true);
    expect(sessionOpenAt('BSE:INFY', Date.UTC(2026, 11, 7, 9, 59))).toBe(true);
    expect(sessionOpenAt('NSE:INFY', Date.UTC(2026, 11, 7, 10, 0))).toBe(false);
    expect(sessionOpenAt('NSE:INFY', Date.UTC(2026, 11, 5, 5, 0))).toBe(false); // Saturday
    expect(sessionOpenAt('NSE:INFY', Date.UTC(2026, 11, 25, 5, 0))).toBe(false); // Christmas
  });

  it('US trades 09:30–16:00 New York time, across the daylight-saving change', () => {
    expect(sessionOpenAt('US:AAPL', Date.UTC(2026, 11, 7, 14, 30))).toBe(true); // 09:30 EST
    expect(sessionOpenAt('US:AAPL', Date.UTC(2026, 11, 7, 14, 29))).toBe(false);
    expect(sessionOpenAt('US:AAPL', Date.UTC(2026, 6, 7, 13, 30))).toBe(true); // 09:30 EDT
    expect(sessionOpenAt('US:AAPL', Date.UTC(2026, 6, 7, 20, 0))).toBe(false); // 16:00 EDT
  });

  it('crypto never closes; a market without a calendar counts as open', () => {
    expect(sessionOpenAt('CRYPTO:BTCUSDT', Date.UTC(2026, 11, 5, 3, 0))).toBe(true);
    expect(sessionOpenAt('MCX:GOLD', Date.UTC(2026, 11, 5, 3, 0))).toBe(true);
  });
});
