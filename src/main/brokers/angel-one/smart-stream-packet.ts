/**
 * SmartStream 2.0 binary ticks: one little-endian packet per WebSocket message, laid out by subscription mode
 * (1 LTP = 51 bytes, 2 Quote = 123, 3 SnapQuote = 379). Pure functions, no socket: the stream and the tests share it.
 */

/** Subscription modes on the wire. Mode 4 (20-level depth) is not decoded: the app asks for 1–3 only. */
export type SmartStreamMode = 1 | 2 | 3;

/** Where each mode's packet ends. */
export const PACKET_BYTES: Readonly<Record<SmartStreamMode, number>> = { 1: 51, 2: 123, 3: 379 };

/** exchangeType on the wire for each Angel exchange segment (the scrip master's `exch_seg`). */
export const EXCHANGE_TYPES: Readonly<Record<string, number>> = { NSE: 1, NFO: 2, BSE: 3, BFO: 4, MCX: 5, NCDEX: 7, NCX: 7, CDS: 13 };

/** Currency derivatives (cde_fo) quote in 1e-7 rupees; everything else in paise. */
const CURRENCY_EXCHANGE_TYPE = 13;

export function priceDivisor(exchangeType: number): number {
  return exchangeType === CURRENCY_EXCHANGE_TYPE ? 10_000_000 : 100;
}

const OFFSET = {
  mode: 0,
  exchangeType: 1,
  token: 2,
  sequence: 27,
  exchangeTs: 35,
  ltp: 43,
  lastTradedQty: 51,
  averagePrice: 59,
  volume: 67,
  totalBuyQty: 75,
  totalSellQty: 83,
  open: 91,
  high: 99,
  low: 107,
  close: 115,
  lastTradedTs: 123,
  openInterest: 131,
  bestFive: 147,
  upperCircuit: 347,
  lowerCircuit: 355,
  high52: 363,
  low52: 371,
} as const;
const TOKEN_BYTES = 25;
const BEST_FIVE_ENTRY = 20;

export interface SmartStreamQuoteFields {
  lastTradedQty: number;
  averagePrice: number;
  volume: number;
  totalBuyQty: number;
  totalSellQty: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface DepthLevel {
  price: number;
  quantity: number;
  orders: number;
}

export interface SmartStreamSnapFields {
  lastTradedTs: number;
  openInterest: number;
  /** Five buy levels then five sell levels as sent; empty levels (price 0) are left out. */
  bids: DepthLevel[];
  asks: DepthLevel[];
  upperCircuit: number;
  lowerCircuit: number;
  high52: number;
  low52: number;
}

/** One decoded packet, prices in rupees. */
export interface SmartStreamPacket {
  mode: SmartStreamMode;
  exchangeType: number;
  token: string;
  sequence: number;
  exchangeTs: number;
  ltp: number;
  quote?: SmartStreamQuoteFields;
  snap?: SmartStreamSnapFields;
}

/** A packet, or why it was dropped: too short or unreadable ('malformed'), a mode this decoder does not know ('unknown'). */
export type DecodeResult = { packet: SmartStreamPacket } | { problem: 'malformed' | 'unknown' };

const i64 = (buf: Buffer, at: number) => Number(buf.readBigInt64LE(at));

function readToken(buf: Buffer): string | null {
  const raw = buf.subarray(OFFSET.token, OFFSET.token + TOKEN_BYTES);
  const end = raw.indexOf(0);
  const token = raw.subarray(0, end === -1 ? TOKEN_BYTES : end).toString('latin1');
  return /^[0-9A-Za-z_.-]+$/.test(token) ? token : null;
}

function readLevel(buf: Buffer, at: number, divisor: number): DepthLevel {
  // flag i16 @0 is not read: sources disagree on its meaning, and the position already says buy or sell.
  return { quantity: i64(buf, at + 2), price: i64(buf, at + 10) / divisor, orders: buf.readInt16LE(at + 18) };
}

function readSnap(buf: Buffer, divisor: number): SmartStreamSnapFields {
  const levels = Array.from({ length: 10 }, (_, i) => readLevel(buf, OFFSET.bestFive + i * BEST_FIVE_ENTRY, divisor));
  const real = (l: DepthLevel) => l.price > 0;
  return {
    lastTradedTs: i64(buf, OFFSET.lastTradedTs),
    openInterest: i64(buf, OFFSET.openInterest),
    bids: levels.slice(0, 5).filter(real),
    asks: levels.slice(5).filter(real),
    upperCircuit: i64(buf, OFFSET.upperCircuit) / divisor,
    lowerCircuit: i64(buf, OFFSET.lowerCircuit) / divisor,
    high52: i64(buf, OFFSET.high52) / divisor,
    low52: i64(buf, OFFSET.low52) / divisor,
  };
}

function readQuote(buf: Buffer, divisor: number): SmartStreamQuoteFields {
  return {
    lastTradedQty: i64(buf, OFFSET.lastTradedQty),
    averagePrice: i64(buf, OFFSET.averagePrice) / divisor,
    volume: i64(buf, OFFSET.volume),
    totalBuyQty: buf.readDoubleLE(OFFSET.totalBuyQty),
    totalSellQty: buf.readDoubleLE(OFFSET.totalSellQty),
    open: i64(buf, OFFSET.open) / divisor,
    high: i64(buf, OFFSET.high) / divisor,
    low: i64(buf, OFFSET.low) / divisor,
    close: i64(buf, OFFSET.close) / divisor,
  };
}

/** Decode one SmartStream message. Never throws: anything short, unreadable or unknown comes back as a problem. */
export function decodeSmartStreamPacket(buf: Buffer): DecodeResult {
  if (buf.length < 1) return { problem: 'malformed' };
  const mode = buf.readUInt8(OFFSET.mode);
  if (mode !== 1 && mode !== 2 && mode !== 3) return { problem: 'unknown' };
  if (buf.length < PACKET_BYTES[mode]) return { problem: 'malformed' };
  const exchangeType = buf.readUInt8(OFFSET.exchangeType);
  const token = readToken(buf);
  if (token === null) return { problem: 'malformed' };
  const divisor = priceDivisor(exchangeType);
  const packet: SmartStreamPacket = {
    mode,
    exchangeType,
    token,
    sequence: i64(buf, OFFSET.sequence),
    exchangeTs: i64(buf, OFFSET.exchangeTs),
    ltp: i64(buf, OFFSET.ltp) / divisor,
  };
  if (mode >= 2) packet.quote = readQuote(buf, divisor);
  if (mode === 3) packet.snap = readSnap(buf, divisor);
  return { packet };
}
