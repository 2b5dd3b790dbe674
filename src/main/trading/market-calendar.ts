/**
 * Which days each exchange is closed, so scheduled baskets run on trading days only. The lists are the
 * exchanges' own published calendars; each says how far it reaches, and past that date a schedule runs on
 * every selected weekday (the schedule view says so). Session hours and early closes are not modelled.
 */

export type MarketCalendar =
  | { kind: 'holidays'; market: string; name: string; timeZone: string; through: string; holidays: Readonly<Record<string, string>> }
  | { kind: 'always-open'; market: string; name: string }
  | { kind: 'unknown'; market: string; name: string };

/**
 * NSE trading holidays for the equity and equity-derivative segments (BSE closes on the same days).
 * Source: NSE's 2026 holiday circular, with the 15 January municipal-election holiday added in January 2026.
 * Holidays on a Saturday or Sunday are left out. NSE publishes 2027's list in December 2026.
 */
const NSE_HOLIDAYS: Record<string, string> = {
  '2026-01-15': 'Municipal Corporation Election (Maharashtra)',
  '2026-01-26': 'Republic Day',
  '2026-03-03': 'Holi',
  '2026-03-26': 'Shri Ram Navami',
  '2026-03-31': 'Shri Mahavir Jayanti',
  '2026-04-03': 'Good Friday',
  '2026-04-14': 'Dr. Baba Saheb Ambedkar Jayanti',
  '2026-05-01': 'Maharashtra Day',
  '2026-05-28': 'Bakri Id',
  '2026-06-26': 'Muharram',
  '2026-09-14': 'Ganesh Chaturthi',
  '2026-10-02': 'Mahatma Gandhi Jayanti',
  '2026-10-20': 'Dussehra',
  '2026-11-10': 'Diwali Balipratipada',
  '2026-11-24': 'Prakash Gurpurb Sri Guru Nanak Dev',
  '2026-12-25': 'Christmas',
};

/** NYSE (and Nasdaq) holidays, from NYSE Group's 2026–2028 calendar announcement. */
const US_HOLIDAYS: Record<string, string> = {
  '2026-01-01': "New Year's Day",
  '2026-01-19': 'Martin Luther King, Jr. Day',
  '2026-02-16': "Washington's Birthday",
  '2026-04-03': 'Good Friday',
  '2026-05-25': 'Memorial Day',
  '2026-06-19': 'Juneteenth National Independence Day',
  '2026-07-03': 'Independence Day (observed)',
  '2026-09-07': 'Labor Day',
  '2026-11-26': 'Thanksgiving Day',
  '2026-12-25': 'Christmas Day',
  '2027-01-01': "New Year's Day",
  '2027-01-18': 'Martin Luther King, Jr. Day',
  '2027-02-15': "Washington's Birthday",
  '2027-03-26': 'Good Friday',
  '2027-05-31': 'Memorial Day',
  '2027-06-18': 'Juneteenth National Independence Day (observed)',
  '2027-07-05': 'Independence Day (observed)',
  '2027-09-06': 'Labor Day',
  '2027-11-25': 'Thanksgiving Day',
  '2027-12-24': 'Christmas Day (observed)',
  '2028-01-17': 'Martin Luther King, Jr. Day',
  '2028-02-21': "Washington's Birthday",
  '2028-04-14': 'Good Friday',
  '2028-05-29': 'Memorial Day',
  '2028-06-19': 'Juneteenth National Independence Day',
  '2028-07-04': 'Independence Day',
  '2028-09-04': 'Labor Day',
  '2028-11-23': 'Thanksgiving Day',
  '2028-12-25': 'Christmas Day',
};

const INDIA: MarketCalendar = { kind: 'holidays', market: 'NSE', name: 'NSE/BSE', timeZone: 'Asia/Kolkata', through: '2026-12-31', holidays: NSE_HOLIDAYS };
const US: MarketCalendar = { kind: 'holidays', market: 'US', name: 'NYSE/Nasdaq', timeZone: 'America/New_York', through: '2028-12-31', holidays: US_HOLIDAYS };
const CRYPTO: MarketCalendar = { kind: 'always-open', market: 'CRYPTO', name: 'Crypto' };

/** Exchange prefixes of the common symbol form that share a calendar. */
const BY_EXCHANGE: Record<string, MarketCalendar> = { NSE: INDIA, BSE: INDIA, NFO: INDIA, BFO: INDIA, US: US, CRYPTO: CRYPTO };

/** The calendar for a symbol in the common form (e.g. `NSE:INFY`, `US:AAPL`); `unknown` for MCX, currency and the rest. */
export function calendarOf(symbol: string): MarketCalendar {
  const exchange = symbol.split(':')[0]!.toUpperCase();
  return BY_EXCHANGE[exchange] ?? { kind: 'unknown', market: exchange, name: exchange };
}

/** The date (YYYY-MM-DD) of instant `at` in a time zone. */
export function localDate(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
}

/** The holiday that closes the market at instant `at` (on the exchange's own date), or null when open or not known to be closed. */
export function holidayAt(calendar: MarketCalendar, at: number): { date: string; holiday: string } | null {
  if (calendar.kind !== 'holidays') return null;
  const date = localDate(at, calendar.timeZone);
  const holiday = calendar.holidays[date];
  return holiday ? { date, holiday } : null;
}

/** Regular session hours, exchange-local (pre- and post-market trading is thin: silence then is not a stale feed). */
const SESSION_HOURS: Record<string, { open: number; close: number }> = {
  NSE: { open: 9 * 60 + 15, close: 15 * 60 + 30 },
  US: { open: 9 * 60 + 30, close: 16 * 60 },
};

/** Weekday and minutes since midnight of instant `at` in a time zone. */
function localClock(at: number, timeZone: string): { weekday: string; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(
    new Date(at),
  );
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: part('weekday'), minutes: Number(part('hour')) * 60 + Number(part('minute')) };
}

/**
 * Whether the symbol's exchange is in its regular session at `at`: a weekday, not a listed holiday, inside the
 * session hours. Crypto is always open; markets without a calendar here count as open (a silent feed is then
 * reported stale rather than silently trusted).
 */
export function sessionOpenAt(symbol: string, at: number): boolean {
  const calendar = calendarOf(symbol);
  if (calendar.kind !== 'holidays') return true;
  if (holidayAt(calendar, at)) return false;
  const { weekday, minutes } = localClock(at, calendar.timeZone);
  if (weekday === 'Sat' || weekday === 'Sun') return false;
  const hours = SESSION_HOURS[calendar.market];
  return !hours || (minutes >= hours.open && minutes < hours.close);
}
