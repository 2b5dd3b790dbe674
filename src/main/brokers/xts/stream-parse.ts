import { XTS_EPOCH_UNIX_SECONDS } from './config';

/**
 * What one XTS market-data event says about one instrument. A full event (`<code>-json-full`) fills every field it
 * carries; a partial one (`<code>-json-partial`, broadcastMode Partial) only the fields that changed, so the stream
 * merges it into what it last held for the instrument.
 */
export interface XtsQuoteUpdate {
  /** `<segment>_<instrument id>`, the key partial events name in their `t:` field. */
  key: string;
  messageCode: number | null;
  ltp?: number;
  bid?: number;
  ask?: number;
  volume?: number;
  /** Exchange time in ms. */
  ts?: number;
}

/** NSE segments (NSECM 1, NSEFO 2, NSECD 3) count seconds from 1980-01-01 IST; the others from the Unix epoch (Symphony's SDK). */
const NSE_SEGMENTS = new Set([1, 2, 3]);

export function xtsStreamTimeMs(segment: number, seconds: number): number {
  return (seconds + (NSE_SEGMENTS.has(segment) ? XTS_EPOCH_UNIX_SECONDS : 0)) * 1000;
}

type Row = Record<string, unknown>;

const positive = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

const whole = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
};

/** JSON text (what the server sends) or an already-parsed object (what some socket.io stacks hand over). */
function asObject(payload: unknown): Row | null {
  let value = payload;
  if (typeof payload === 'string') {
    try {
      value = JSON.parse(payload);
    } catch {
      return null;
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Row) : null;
}

/** Drop the fields an event did not carry, so a merge keeps the earlier values. */
function defined(update: XtsQuoteUpdate): XtsQuoteUpdate {
  for (const k of Object.keys(update) as (keyof XtsQuoteUpdate)[]) if (update[k] === undefined) delete update[k];
  return update;
}

/**
 * A `-json-full` event (1501 touchline, 1502 depth, 1512 LTP) or a `listQuotes` entry of the subscription reply;
 * null when it is not JSON, names no instrument or carries no usable last price.
 */
export function parseFullEvent(payload: unknown): XtsQuoteUpdate | null {
  const event = asObject(payload);
  if (!event) return null;
  const segment = whole(event.ExchangeSegment);
  const instrument = whole(event.ExchangeInstrumentID);
  if (segment === undefined || instrument === undefined) return null;
  const touchline = event.Touchline && typeof event.Touchline === 'object' ? (event.Touchline as Row) : null;
  const source = touchline ?? event;
  const ltp = positive(source.LastTradedPrice);
  if (ltp === undefined) return null;
  const seconds = whole(source.LastTradedTime) ?? whole(source.LastUpdateTime) ?? whole(event.ExchangeTimeStamp);
  return defined({
    key: `${segment}_${instrument}`,
    messageCode: whole(event.MessageCode) ?? null,
    ltp,
    bid: touchline ? positive((touchline.BidInfo as Row | undefined)?.Price) : undefined,
    ask: touchline ? positive((touchline.AskInfo as Row | undefined)?.Price) : undefined,
    volume: touchline ? whole(touchline.TotalTradedQuantity) : undefined,
    ts: seconds !== undefined && seconds > 0 ? xtsStreamTimeMs(segment, seconds) : undefined,
  });
}

/** The first level of a partial depth field: `index|size|price|orders`, repeated and `|`-joined. */
function firstLevelPrice(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parts = value.split('|');
  return parts.length >= 4 && parts[0] === '0' ? positive(parts[2]) : undefined;
}

/**
 * A `-json-partial` event: `t:<segment>_<instrument>,ltp:…,v:…,ltt:…,bi:…,ai:…` (only what changed). Null when it
 * names no instrument or a pair is not `key:value`.
 */
export function parsePartialEvent(payload: unknown, messageCode: number | null = null): XtsQuoteUpdate | null {
  if (typeof payload !== 'string' || payload.length === 0) return null;
  const fields = new Map<string, string>();
  for (const pair of payload.split(',')) {
    const at = pair.indexOf(':');
    if (at <= 0) return null;
    fields.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  const target = /^(\d+)_(\d+)$/.exec(fields.get('t') ?? '');
  if (!target) return null;
  const segment = Number(target[1]);
  const seconds = whole(fields.get('ltt')) ?? whole(fields.get('lut'));
  return defined({
    key: `${segment}_${Number(target[2])}`,
    messageCode,
    ltp: positive(fields.get('ltp')),
    bid: firstLevelPrice(fields.get('bi')),
    ask: firstLevelPrice(fields.get('ai')),
    volume: whole(fields.get('v')),
    ts: seconds !== undefined && seconds > 0 ? xtsStreamTimeMs(segment, seconds) : undefined,
  });
}

/** The `order` event of the interactive socket: JSON text or an object (the sheet leaves it open); null when neither. */
export function parseOrderEvent(payload: unknown): Row | null {
  const row = asObject(payload);
  return row && (typeof row.AppOrderID === 'number' || typeof row.AppOrderID === 'string') ? row : null;
}
