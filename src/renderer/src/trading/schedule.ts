import type { BasketOrderType, OrderSide } from '../../../shared/orders';
import { calendarDay } from '../format';
import type { NewSchedule, ScheduleView } from '../store';
import { ticketProblems, type TicketForm } from './ticket';

/** ISO weekdays 1 (Monday) to 7 (Sunday), as main numbers them, with their short names. */
export const WEEKDAYS = [
  [1, 'Mon'],
  [2, 'Tue'],
  [3, 'Wed'],
  [4, 'Thu'],
  [5, 'Fri'],
  [6, 'Sat'],
  [7, 'Sun'],
] as const;
export const MONDAY_TO_FRIDAY = [1, 2, 3, 4, 5];

/** The most a basket holds (main's limit). */
export const MAX_BASKET = 20;

/** Zones a trader most likely wants, offered as suggestions; any IANA zone can be typed. */
export const COMMON_ZONES = [
  'Asia/Kolkata',
  'America/New_York',
  'America/Chicago',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Singapore',
  'Asia/Hong_Kong',
  'Asia/Tokyo',
  'Asia/Dubai',
  'Australia/Sydney',
  'UTC',
];

const ZONE_BY_EXCHANGE: Record<string, string> = {
  NSE: 'Asia/Kolkata',
  BSE: 'Asia/Kolkata',
  NFO: 'Asia/Kolkata',
  BFO: 'Asia/Kolkata',
  MCX: 'Asia/Kolkata',
  US: 'America/New_York',
  CRYPTO: 'UTC',
};

const exchangeOf = (symbol: string) => symbol.trim().toUpperCase().split(':')[0] ?? '';

/** The zone an exchange's clock runs on, e.g. Asia/Kolkata for NSE:INFY; null when the exchange is not one BrokerVault knows. */
export function zoneForSymbol(symbol: string): string | null {
  return symbol.includes(':') ? (ZONE_BY_EXCHANGE[exchangeOf(symbol)] ?? null) : null;
}

/** Indian exchanges, where a product (CNC/MIS/NRML) can be chosen. */
export const isIndianSymbol = (symbol: string) => zoneForSymbol(symbol) === 'Asia/Kolkata';

export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export interface BasketRow {
  /** Stable React key: rows can be removed from the middle. */
  key: string;
  symbol: string;
  side: OrderSide;
  quantity: string;
  type: BasketOrderType;
  limitPrice: string;
  /** Empty: the broker's default product. */
  product: string;
}

export const blankRow = (): BasketRow => ({ key: crypto.randomUUID(), symbol: '', side: 'BUY', quantity: '1', type: 'MARKET', limitPrice: '', product: '' });

export interface ScheduleForm {
  name: string;
  time: string;
  timeZone: string;
  days: number[];
  rows: BasketRow[];
}

export type RowProblems = Partial<Record<'symbol' | 'quantity' | 'limitPrice', string>>;
export interface ScheduleProblems {
  name?: string;
  time?: string;
  timeZone?: string;
  days?: string;
  rows: RowProblems[];
}

const CLOCK_24 = /^([01]?\d|2[0-3]):([0-5]\d)$/;
/** Main's shape for a zone name; whether the zone exists is asked of Intl (main does the same). */
const ZONE_NAME = /^[A-Za-z_]+(\/[A-Za-z_+-]+){0,2}$/;

function isKnownZone(zone: string): boolean {
  if (!ZONE_NAME.test(zone) || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** "9:15" → "09:15"; anything else as typed. */
export function normaliseTime(time: string): string {
  const m = CLOCK_24.exec(time.trim());
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : time.trim();
}

/** Problems per field in words (the same rules main applies), so nothing invalid is sent. */
export function scheduleProblems(form: ScheduleForm): ScheduleProblems {
  const out: ScheduleProblems = { rows: [] };
  const name = form.name.trim();
  if (!name) out.name = 'Give the schedule a name, e.g. “Close buy”.';
  else if (name.length > 64) out.name = 'Use at most 64 characters.';
  if (!CLOCK_24.test(form.time.trim())) out.time = 'Enter a 24-hour time as HH:MM, e.g. 15:10.';
  const zone = form.timeZone.trim();
  if (!zone) out.timeZone = 'Enter a time zone, e.g. Asia/Kolkata.';
  else if (!isKnownZone(zone)) out.timeZone = `“${zone}” is not a time zone BrokerVault knows. Pick one from the list, e.g. Asia/Kolkata or America/New_York.`;
  if (form.days.length === 0) out.days = 'Pick at least one day.';
  out.rows = form.rows.map((row) => {
    // The same checks and words as the order ticket.
    const ticket: TicketForm = {
      symbol: row.symbol,
      side: row.side,
      quantity: row.quantity,
      type: row.type,
      limitPrice: row.limitPrice,
      stopPrice: '',
      product: '',
    };
    const { symbol, quantity, limitPrice } = ticketProblems(ticket, false);
    const problems: RowProblems = {};
    if (symbol) problems.symbol = symbol;
    if (quantity) problems.quantity = quantity;
    else if (Number(row.quantity) > 1e9) problems.quantity = 'Enter a quantity of at most 1,000,000,000.';
    if (limitPrice) problems.limitPrice = limitPrice;
    return problems;
  });
  return out;
}

/** Every problem in form order, each with the label of the field it belongs to. */
export function problemList(problems: ScheduleProblems): string[] {
  const top = [problems.name, problems.time, problems.timeZone, problems.days].filter((p): p is string => Boolean(p));
  const rows = problems.rows.flatMap((row, i) => Object.values(row).map((p) => `Order ${i + 1}: ${p}`));
  return [...top, ...rows];
}

export function toScheduleInput(form: ScheduleForm): NewSchedule {
  return {
    name: form.name.trim(),
    time: normaliseTime(form.time),
    timeZone: form.timeZone.trim(),
    days: [...form.days].sort(),
    orders: form.rows.map((row) => ({
      symbol: row.symbol.trim().toUpperCase(),
      side: row.side,
      quantity: Number(row.quantity),
      type: row.type,
      ...(row.type === 'LIMIT' ? { limitPrice: Number(row.limitPrice) } : {}),
      ...(row.product && isIndianSymbol(row.symbol) ? { product: row.product } : {}),
    })),
  };
}

export type MarketView = ScheduleView['markets'][number];

/** What a schedule does on an exchange's closed days, in words; `stale` once the holiday list has run out. */
export function describeMarket(market: MarketView, today: string): { text: string; stale: boolean } {
  if (market.calendar === 'always-open') return { text: `${market.name}: runs every selected day`, stale: false };
  if (market.calendar === 'unknown' || !market.holidaysThrough) return { text: `${market.name}: no holiday list — runs every selected weekday`, stale: false };
  const through = calendarDay(market.holidaysThrough);
  if (market.holidaysThrough < today) {
    return { text: `${market.name}: holiday list ended ${through} — runs every selected weekday until BrokerVault is updated`, stale: true };
  }
  return { text: `Skips ${market.name} holidays (list through ${through}; after that runs every selected weekday)`, stale: false };
}

/** Today's date as YYYY-MM-DD on this computer, to compare with a holiday list's end. */
export function localToday(now: number): string {
  const d = new Date(now);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export const OUTCOME_WORDS = { ran: 'Ran', skipped: 'Skipped', missed: 'Missed', failed: 'Failed' } as const;
/** The order table's state colours: ran green, skipped grey, missed amber, failed red. */
export const OUTCOME_CLASS = { ran: 'state-ok', skipped: 'state-muted', missed: 'state-warn', failed: 'state-bad' } as const;

export function dayNames(days: number[]): string[] {
  return WEEKDAYS.filter(([d]) => days.includes(d)).map(([, name]) => name);
}
