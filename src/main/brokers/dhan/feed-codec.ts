/**
 * Dhan v2 live market feed, binary side: one little-endian packet per message (several back to back are read too),
 * an 8-byte header (response code u8, message length u16, exchange segment u8, security id u32), then the body.
 * Counts and times are unsigned, as the official SDK unpacks them (`<BHBIfHIfIII…`); prices float32.
 * Decoding is pure so it can be tested on hand-built buffers; the socket lives in stream.ts.
 */

/** Dhan's exchange segments: the JSON requests use the names, the binary header the numbers. */
export const FEED_SEGMENTS: Readonly<Record<string, number>> = {
  IDX_I: 0,
  NSE_EQ: 1,
  NSE_FNO: 2,
  NSE_CURRENCY: 3,
  BSE_EQ: 4,
  MCX_COMM: 5,
  BSE_CURRENCY: 7,
  BSE_FNO: 8,
};

/** Response codes and the size of each packet, header included. */
export const FEED_PACKETS = {
  ticker: { code: 2, size: 16 },
  quote: { code: 4, size: 50 },
  oi: { code: 5, size: 12 },
  prevClose: { code: 6, size: 16 },
  marketStatus: { code: 7, size: 8 },
  full: { code: 8, size: 162 },
  disconnect: { code: 50, size: 10 },
} as const;

const HEADER = 8;
const SIZE_BY_CODE = new Map<number, number>(Object.values(FEED_PACKETS).map((p) => [p.code, p.size]));
/** Currency prices carry four decimals (tick ₹0.0025); everything else two. */
const CURRENCY_SEGMENTS = new Set([FEED_SEGMENTS.NSE_CURRENCY, FEED_SEGMENTS.BSE_CURRENCY]);

export interface FeedHeader {
  segment: number;
  securityId: number;
}

export interface DepthLevel {
  bidQty: number;
  askQty: number;
  bidOrders: number;
  askOrders: number;
  bid: number;
  ask: number;
}

export type FeedPacket =
  | (FeedHeader & { kind: 'ticker'; ltp: number; ltt: number })
  | (FeedHeader & {
      kind: 'quote';
      ltp: number;
      ltq: number;
      ltt: number;
      avgPrice: number;
      volume: number;
      open: number;
      close: number;
      high: number;
      low: number;
    })
  | (FeedHeader & { kind: 'oi'; openInterest: number })
  | (FeedHeader & { kind: 'prevClose'; prevClose: number; prevOi: number })
  | (FeedHeader & { kind: 'marketStatus' })
  | (FeedHeader & {
      kind: 'full';
      ltp: number;
      ltq: number;
      ltt: number;
      avgPrice: number;
      volume: number;
      open: number;
      close: number;
      high: number;
      low: number;
      depth: DepthLevel[];
    })
  | (FeedHeader & { kind: 'disconnect'; reason: number });

/** What one binary message held: the packets read, and what could not be read (which stops the message). */
export interface FeedMessage {
  packets: FeedPacket[];
  /** A truncated packet, a length field that fits neither reading, a non-finite price. */
  malformed: number;
  /** A response code this client does not know (its size is unknown, so the rest of the message is skipped). */
  unknown: number;
}

/** Decode every packet in one binary message. Never throws. */
export function decodeFeedMessage(data: Uint8Array): FeedMessage {
  const out: FeedMessage = { packets: [], malformed: 0, unknown: 0 };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset < data.byteLength) {
    if (data.byteLength - offset < HEADER) {
      out.malformed++;
      break;
    }
    const code = view.getUint8(offset);
    const size = SIZE_BY_CODE.get(code);
    if (size === undefined) {
      out.unknown++;
      break;
    }
    // Whether the length counts the whole packet or only the body is unconfirmed: accept either reading.
    const length = view.getUint16(offset + 1, true);
    if (data.byteLength - offset < size || (length !== size && length !== size - HEADER)) {
      out.malformed++;
      break;
    }
    const packet = decodePacket(view, offset, code);
    if (packet) out.packets.push(packet);
    else out.malformed++;
    offset += size;
  }
  return out;
}

/**
 * One packet of a known code and full size at `base`; null when a price in it is not a finite number. Prices are
 * float32 rupees: float32 keeps about 7 significant digits, so 1234.55 arrives as 1234.5500488…; rounding to the
 * segment's decimals gives the exchange's number back.
 */
function decodePacket(view: DataView, base: number, code: number): FeedPacket | null {
  const segment = view.getUint8(base + 3);
  const securityId = view.getUint32(base + 4, true);
  const scale = CURRENCY_SEGMENTS.has(segment) ? 10_000 : 100;
  let finite = true;
  const p = (at: number) => {
    const raw = view.getFloat32(base + at, true);
    if (!Number.isFinite(raw)) finite = false;
    return Math.round(raw * scale) / scale;
  };
  const u32 = (at: number) => view.getUint32(base + at, true);
  const u16 = (at: number) => view.getUint16(base + at, true);
  let packet: FeedPacket;
  switch (code) {
    case FEED_PACKETS.ticker.code:
      packet = { kind: 'ticker', segment, securityId, ltp: p(8), ltt: u32(12) };
      break;
    case FEED_PACKETS.quote.code:
      packet = {
        kind: 'quote',
        segment,
        securityId,
        ltp: p(8),
        ltq: u16(12),
        ltt: u32(14),
        avgPrice: p(18),
        volume: u32(22),
        open: p(34),
        close: p(38),
        high: p(42),
        low: p(46),
      };
      break;
    case FEED_PACKETS.oi.code:
      packet = { kind: 'oi', segment, securityId, openInterest: u32(8) };
      break;
    case FEED_PACKETS.prevClose.code:
      packet = { kind: 'prevClose', segment, securityId, prevClose: p(8), prevOi: u32(12) };
      break;
    case FEED_PACKETS.marketStatus.code:
      packet = { kind: 'marketStatus', segment, securityId };
      break;
    case FEED_PACKETS.full.code: {
      const depth: DepthLevel[] = [];
      for (let level = 0, at = 62; level < 5; level++, at += 20) {
        depth.push({ bidQty: u32(at), askQty: u32(at + 4), bidOrders: u16(at + 8), askOrders: u16(at + 10), bid: p(at + 12), ask: p(at + 16) });
      }
      packet = {
        kind: 'full',
        segment,
        securityId,
        ltp: p(8),
        ltq: u16(12),
        ltt: u32(14),
        avgPrice: p(18),
        volume: u32(22),
        open: p(46),
        close: p(50),
        high: p(54),
        low: p(58),
        depth,
      };
      break;
    }
    default:
      packet = { kind: 'disconnect', segment, securityId, reason: u16(8) };
  }
  return finite ? packet : null;
}

/** Subscribe codes of the official SDK for v2 (ticker, quote, full); unsubscribe is the code + 1. */
export const REQUEST_CODES = { ltp: 15, quote: 17, full: 21 } as const;
/** Asks the server to end the connection. */
export const DISCONNECT_REQUEST = 12;
/** Instruments one request may carry. */
export const INSTRUMENTS_PER_REQUEST = 100;

export interface FeedInstrument {
  ExchangeSegment: string;
  SecurityId: string;
}

/** The JSON text requests for `instruments`, at most 100 per message. */
export function feedRequests(requestCode: number, instruments: readonly FeedInstrument[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < instruments.length; i += INSTRUMENTS_PER_REQUEST) {
    const batch = instruments.slice(i, i + INSTRUMENTS_PER_REQUEST);
    out.push(JSON.stringify({ RequestCode: requestCode, InstrumentCount: batch.length, InstrumentList: batch }));
  }
  return out;
}
