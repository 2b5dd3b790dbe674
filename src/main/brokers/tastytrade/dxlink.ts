/**
 * The DXLink wire format (dxFeed's JSON WebSocket protocol behind tastytrade's quote token): the client messages
 * BrokerVault sends, and the decoder for FEED_DATA in both data formats. Pure functions: no socket, no clock.
 */
import type { StreamProblem } from '../../streaming/types';

/** The feed channel BrokerVault opens (client channels are odd numbers; 0 is the connection). */
export const FEED_CHANNEL = 1;

/** The event types BrokerVault asks for and the fields of each, in the order COMPACT data carries them. */
export const ACCEPT_EVENT_FIELDS = {
  Trade: ['eventType', 'eventSymbol', 'price', 'dayVolume', 'size', 'time'],
  Quote: ['eventType', 'eventSymbol', 'bidPrice', 'askPrice', 'bidSize', 'askSize', 'bidTime', 'askTime'],
} as const;

export type FeedEventType = keyof typeof ACCEPT_EVENT_FIELDS;
export type EventFields = Readonly<Record<string, readonly string[]>>;

export const setupMessage = (keepaliveSeconds: number) => ({
  type: 'SETUP',
  channel: 0,
  version: '0.1-BrokerVault',
  keepaliveTimeout: keepaliveSeconds,
  acceptKeepaliveTimeout: keepaliveSeconds,
});
/** SECURITY: carries the quote token; the message is sent, never logged. */
export const authMessage = (token: string) => ({ type: 'AUTH', channel: 0, token });
export const KEEPALIVE_TEXT = JSON.stringify({ type: 'KEEPALIVE', channel: 0 });
export const channelRequest = () => ({ type: 'CHANNEL_REQUEST', channel: FEED_CHANNEL, service: 'FEED', parameters: { contract: 'AUTO' } });
export const feedSetup = () => ({
  type: 'FEED_SETUP',
  channel: FEED_CHANNEL,
  acceptAggregationPeriod: 0,
  acceptDataFormat: 'COMPACT',
  acceptEventFields: ACCEPT_EVENT_FIELDS,
});
export const feedSubscription = (add: { type: FeedEventType; symbol: string }[], remove: { type: FeedEventType; symbol: string }[]) => ({
  type: 'FEED_SUBSCRIPTION',
  channel: FEED_CHANNEL,
  ...(add.length > 0 ? { add } : {}),
  ...(remove.length > 0 ? { remove } : {}),
});

/** One decoded event, already checked: a trade with a positive price, or a quote with both sides. */
export type FeedEvent =
  | { type: 'Trade'; symbol: string; price: number; dayVolume?: number; time?: number }
  | { type: 'Quote'; symbol: string; bid: number; ask: number; time?: number };

export interface Decoded {
  events: FeedEvent[];
  problems: StreamProblem[];
}

/** dxFeed writes missing values as NaN (a JSON string "NaN" in COMPACT) and numbers sometimes as strings. */
function number(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

const positiveTime = (value: unknown): number | undefined => {
  const n = number(value);
  return n !== null && n > 0 ? n : undefined;
};

/** One event from its fields; null when a required value is missing or nonsensical. */
function toEvent(type: string, e: Readonly<Record<string, unknown>>): FeedEvent | null {
  const symbol = e.eventSymbol;
  if (typeof symbol !== 'string' || symbol === '') return null;
  if (type === 'Trade') {
    const price = number(e.price);
    if (price === null || price <= 0) return null;
    const dayVolume = number(e.dayVolume);
    const time = positiveTime(e.time);
    return { type, symbol, price, ...(dayVolume !== null ? { dayVolume } : {}), ...(time !== undefined ? { time } : {}) };
  }
  const bid = number(e.bidPrice);
  const ask = number(e.askPrice);
  if (bid === null || ask === null) return null;
  const time = Math.max(positiveTime(e.bidTime) ?? 0, positiveTime(e.askTime) ?? 0);
  return { type: 'Quote', symbol, bid, ask, ...(time > 0 ? { time } : {}) };
}

/**
 * FEED_DATA's `data` with the eventFields the server confirmed in FEED_CONFIG. COMPACT is `[type, [values…], type,
 * [values…]…]` (values of consecutive events concatenated in `eventFields` order); FULL is an array of objects with
 * `eventType`. Data of a type the feed was not configured for is refused (`unknown`), as dxFeed's own client does;
 * a truncated COMPACT block keeps its whole events and counts the rest `malformed`.
 */
export function decodeFeedData(data: unknown, fields: EventFields): Decoded {
  const out: Decoded = { events: [], problems: [] };
  if (!Array.isArray(data)) {
    out.problems.push('malformed');
    return out;
  }
  const push = (type: string, record: Readonly<Record<string, unknown>>) => {
    const event = toEvent(type, record);
    if (event) out.events.push(event);
    else out.problems.push('malformed');
  };
  if (data.length > 0 && typeof data[0] === 'string') {
    for (let i = 0; i < data.length; i += 2) {
      const type = data[i];
      const values: unknown = data[i + 1];
      if (typeof type !== 'string' || !Array.isArray(values)) {
        out.problems.push('malformed');
        break;
      }
      const names = fields[type];
      if (!names || !(type in ACCEPT_EVENT_FIELDS)) {
        out.problems.push('unknown');
        continue;
      }
      const whole = Math.floor(values.length / names.length);
      for (let n = 0; n < whole; n++) {
        const record: Record<string, unknown> = {};
        names.forEach((name, k) => (record[name] = values[n * names.length + k]));
        push(type, record);
      }
      if (values.length % names.length !== 0) out.problems.push('malformed');
    }
    return out;
  }
  for (const item of data) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      out.problems.push('malformed');
      continue;
    }
    const record = item as Record<string, unknown>;
    const type = record.eventType;
    if (typeof type !== 'string') out.problems.push('malformed');
    else if (!fields[type] || !(type in ACCEPT_EVENT_FIELDS)) out.problems.push('unknown');
    else push(type, record);
  }
  return out;
}

/** FEED_CONFIG's eventFields, kept only where they are lists of names; null when the message has none. */
export function configuredFields(value: unknown): EventFields | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const out: Record<string, string[]> = {};
  for (const [type, names] of Object.entries(value)) {
    if (Array.isArray(names) && names.every((n) => typeof n === 'string') && names.length > 0) out[type] = names as string[];
  }
  return out;
}
