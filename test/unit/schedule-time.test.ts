import { describe, expect, it } from 'vitest';
import { dayBounds, dayOf, instantOf, occurrences } from '../../src/main/trading/schedule-time';
import { lastSquareOff } from '../../src/main/trading/paper/square-off';

describe('wall-clock times in a zone', () => {
  it('finds 15:20 IST on weekdays, before and after now', () => {
    // Monday 2026-12-07 10:00 UTC = 15:30 IST, just after the square-off.
    const now = Date.UTC(2026, 11, 7, 10, 0);
    const { previous, next } = occurrences(now, '15:20', [1, 2, 3, 4, 5], 'Asia/Kolkata');
    expect(new Date(previous!).toISOString()).toBe('2026-12-07T09:50:00.000Z');
    expect(new Date(next!).toISOString()).toBe('2026-12-08T09:50:00.000Z');
    expect(lastSquareOff(now)).toBe(previous);
  });

  it('skips the weekend: on Sunday the last square-off was Friday', () => {
    const sunday = Date.UTC(2026, 11, 6, 12, 0);
    expect(new Date(lastSquareOff(sunday)!).toISOString()).toBe('2026-12-04T09:50:00.000Z');
  });

  it('keeps local time across a DST change, with zones interleaved (one formatter per zone)', () => {
    // New York springs forward on 2026-03-08: 09:30 is 14:30 UTC before and 13:30 UTC after.
    expect(new Date(instantOf(2026, 3, 6, 9, 30, 'America/New_York')).toISOString()).toBe('2026-03-06T14:30:00.000Z');
    expect(new Date(instantOf(2026, 3, 6, 9, 30, 'Asia/Kolkata')).toISOString()).toBe('2026-03-06T04:00:00.000Z');
    expect(new Date(instantOf(2026, 3, 9, 9, 30, 'America/New_York')).toISOString()).toBe('2026-03-09T13:30:00.000Z');
    expect(new Date(instantOf(2026, 3, 29, 9, 30, 'Europe/London')).toISOString()).toBe('2026-03-29T08:30:00.000Z');
    const sat = Date.UTC(2026, 2, 7, 20, 0);
    expect(occurrences(sat, '09:30', [1], 'America/New_York').next).toBe(Date.UTC(2026, 2, 9, 13, 30));
  });

  it('gives a day and its bounds in the zone, 23 hours long on the day the clocks go forward', () => {
    expect(dayOf(Date.UTC(2026, 11, 7, 20, 0), 'Asia/Kolkata')).toBe('2026-12-08');
    expect(dayOf(Date.UTC(2026, 11, 7, 20, 0), 'America/New_York')).toBe('2026-12-07');
    const { start, end } = dayBounds('2026-03-08', 'America/New_York');
    expect((end - start) / 3_600_000).toBe(23);
  });
});
