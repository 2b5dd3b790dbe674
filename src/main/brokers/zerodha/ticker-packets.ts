/**
 * Kite Ticker binary frames (kite.trade/docs/connect/v3/websocket): u16 packet count, then per packet a u16
 * length and the packet. Big-endian throughout; prices are integers over a per-segment divisor. Pure functions,
 * no sockets: the stream (stream.ts) turns packets into ticks. The simulator has its own encoder (written from the
 * sheet, not from this file), so the conformance tests check one reading against another.
 */

export type KitePacketMode = 'ltp' | 'quote' | 'full';

export interface KiteDepthLevel {
  quantity: number;
  price: number;
  orders: number;
}

/** One decoded packet. Fields a mode does not carry are absent. Times are unix milliseconds. */
export interface KitePacket {
  token: number;
  mode: KitePacketMode;
  /** Segment 9 (indices): not tradable, no volume or depth. */
  index: boolean;
  lastPrice: number;
  lastQuantity?: number;
  averagePrice?: number;
  volume?: number;
  buyQuantity?: number;
  sellQuantity?: number;
  open?: number;
  high?: number;
  low?: number;
  close?: number;
  /** Index packets only: change from the previous close, as sent. */
  change?: number;
  lastTradeTime?: number;
  oi?: number;
  oiDayHigh?: number;
  oiDayLow?: number;
  exchangeTime?: number;
  /** Full mode: five levels each side, best first. */
  depth?: { buy: KiteDepthLevel[]; sell: KiteDepthLevel[] };
}

/** What one binary message held: packets decoded, and packets that could not be (counted by the caller). */
export interface KiteFrame {
  heartbeat: boolean;
  packets: KitePacket[];
  /** Truncated or unknown-length packets skipped; a truncated frame stops decoding there. */
  malformed: number;
}

export const KITE_PACKET_LENGTH = { ltp: 8, quote: 44, full: 184, indexQuote: 28, indexFull: 32 } as const;

export const INDEX_SEGMENT = 9;

/**
 * Prices are paise (÷100) except on currency segments: NSE CDS (segment 3) in 1e-7 rupee and BSE CDS (segment 6)
 * in 1e-4 rupee, as Kite's SDKs divide. (docs.rs kiteconnect also gives NCO, segment 12?, ÷10 000: unconfirmed,
 * so it stays ÷100 here.)
 */
export function priceDivisor(token: number): number {
  const segment = token & 0xff;
  if (segment === 3) return 10_000_000;
  if (segment === 6) return 10_000;
  return 100;
}

const seconds = (value: number) => (value > 0 ? value * 1000 : undefined);

function decodeIndex(buf: Buffer, at: number, length: number, token: number, divisor: number): KitePacket {
  const price = (offset: number) => buf.readInt32BE(at + offset) / divisor;
  const packet: KitePacket = {
    token,
    mode: length === KITE_PACKET_LENGTH.indexFull ? 'full' : 'quote',
    index: true,
    lastPrice: price(4),
    high: price(8),
    low: price(12),
    open: price(16),
    close: price(20),
    change: price(24),
  };
  if (length === KITE_PACKET_LENGTH.indexFull) packet.exchangeTime = seconds(buf.readInt32BE(at + 28));
  return packet;
}

function depthSide(buf: Buffer, from: number, divisor: number): KiteDepthLevel[] {
  const levels: KiteDepthLevel[] = [];
  for (let i = 0; i < 5; i++) {
    const at = from + i * 12;
    levels.push({ quantity: buf.readInt32BE(at), price: buf.readInt32BE(at + 4) / divisor, orders: buf.readInt16BE(at + 8) });
  }
  return levels;
}

function decodeTradable(buf: Buffer, at: number, length: number, token: number, divisor: number): KitePacket | null {
  const int = (offset: number) => buf.readInt32BE(at + offset);
  const price = (offset: number) => int(offset) / divisor;
  if (length === KITE_PACKET_LENGTH.ltp) return { token, mode: 'ltp', index: false, lastPrice: price(4) };
  if (length !== KITE_PACKET_LENGTH.quote && length !== KITE_PACKET_LENGTH.full) return null;
  const packet: KitePacket = {
    token,
    mode: length === KITE_PACKET_LENGTH.full ? 'full' : 'quote',
    index: false,
    lastPrice: price(4),
    lastQuantity: int(8),
    averagePrice: price(12),
    volume: int(16),
    buyQuantity: int(20),
    sellQuantity: int(24),
    open: price(28),
    high: price(32),
    low: price(36),
    close: price(40),
  };
  if (length === KITE_PACKET_LENGTH.full) {
    packet.lastTradeTime = seconds(int(44));
    packet.oi = int(48);
    packet.oiDayHigh = int(52);
    packet.oiDayLow = int(56);
    packet.exchangeTime = seconds(int(60));
    packet.depth = { buy: depthSide(buf, at + 64, divisor), sell: depthSide(buf, at + 124, divisor) };
  }
  return packet;
}

/** One packet of `length` bytes at `at`, or null when its length is none Kite sends for its segment. */
export function decodePacket(buf: Buffer, at: number, length: number): KitePacket | null {
  if (length < 8 || at + length > buf.length) return null;
  const token = buf.readUInt32BE(at);
  const divisor = priceDivisor(token);
  if ((token & 0xff) === INDEX_SEGMENT) {
    // Some index feeds send only the ltp packet.
    if (length === KITE_PACKET_LENGTH.ltp) return { token, mode: 'ltp', index: true, lastPrice: buf.readInt32BE(at + 4) / divisor };
    if (length !== KITE_PACKET_LENGTH.indexQuote && length !== KITE_PACKET_LENGTH.indexFull) return null;
    return decodeIndex(buf, at, length, token, divisor);
  }
  return decodeTradable(buf, at, length, token, divisor);
}

/** Decode one binary message. Never throws: what cannot be read is counted in `malformed`. */
export function decodeFrame(buf: Buffer): KiteFrame {
  if (buf.length === 1) return { heartbeat: true, packets: [], malformed: 0 };
  if (buf.length < 2) return { heartbeat: false, packets: [], malformed: 1 };
  const count = buf.readUInt16BE(0);
  const packets: KitePacket[] = [];
  let malformed = 0;
  let at = 2;
  for (let i = 0; i < count; i++) {
    if (at + 2 > buf.length) return { heartbeat: false, packets, malformed: malformed + 1 };
    const length = buf.readUInt16BE(at);
    at += 2;
    // A length past the end: the frame is cut short, nothing after it can be trusted.
    if (at + length > buf.length) return { heartbeat: false, packets, malformed: malformed + 1 };
    const packet = decodePacket(buf, at, length);
    if (packet) packets.push(packet);
    else malformed++;
    at += length;
  }
  // Bytes left over: the count said less than the frame carries.
  if (at !== buf.length) malformed++;
  return { heartbeat: false, packets, malformed };
}
