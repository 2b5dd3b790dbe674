/**
 * The simulator's own Kite Ticker encoder, written from the protocol sheet's table (not from the adapter's
 * decoder), so the conformance tests read one implementation with the other. Big-endian; prices as integers.
 */

export type TickerMode = 'ltp' | 'quote' | 'full';

/** What the simulator knows about an instrument at one instant. Prices in rupees; times in ms. */
export interface TickerQuote {
  token: number;
  last: number;
  close: number;
  /** Distance between depth levels: the instrument's tick size. */
  step: number;
  volume: number;
  at: number;
}

/** Segment (token's low byte) → price multiplier: NSE CDS 1e7, BSE CDS 1e4, everything else paise. */
export function priceScale(token: number): number {
  const segment = token & 0xff;
  return segment === 3 ? 10_000_000 : segment === 6 ? 10_000 : 100;
}

export const isIndexToken = (token: number) => (token & 0xff) === 9;

function writer(length: number, token: number) {
  const buf = Buffer.alloc(length);
  const scale = priceScale(token);
  buf.writeUInt32BE(token, 0);
  return {
    buf,
    int: (offset: number, value: number) => buf.writeInt32BE(Math.round(value), offset),
    price: (offset: number, rupees: number) => {
      const scaled = Math.round(rupees * scale);
      // A price past i32 cannot be sent: the real exchange never quotes one, and a simulator must not invent it.
      if (scaled > 0x7fff_ffff || scaled < -0x8000_0000) throw new Error(`price ${rupees} does not fit the ticker's int32 for token ${token}`);
      buf.writeInt32BE(scaled, offset);
    },
  };
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** One packet in `mode`: 8 / 44 / 184 bytes, or 8 / 28 / 32 for an index (segment 9). */
export function encodePacket(q: TickerQuote, mode: TickerMode): Buffer {
  const high = Math.max(q.close, q.last) * 1.005;
  const low = Math.min(q.close, q.last) * 0.995;
  if (mode === 'ltp') {
    const w = writer(8, q.token);
    w.price(4, q.last);
    return w.buf;
  }
  if (isIndexToken(q.token)) {
    const w = writer(mode === 'full' ? 32 : 28, q.token);
    w.price(4, q.last);
    w.price(8, high);
    w.price(12, low);
    w.price(16, q.close);
    w.price(20, q.close);
    w.price(24, q.last - q.close);
    if (mode === 'full') w.int(28, seconds(q.at));
    return w.buf;
  }
  const w = writer(mode === 'full' ? 184 : 44, q.token);
  w.price(4, q.last);
  w.int(8, 5);
  w.price(12, (q.last + q.close) / 2);
  w.int(16, q.volume);
  w.int(20, 1500);
  w.int(24, 1500);
  w.price(28, q.close);
  w.price(32, high);
  w.price(36, low);
  w.price(40, q.close);
  if (mode === 'full') {
    w.int(44, seconds(q.at));
    w.int(48, 0);
    w.int(52, 0);
    w.int(56, 0);
    w.int(60, seconds(q.at));
    // Five bids below and five asks above the last price, one tick apart (as the REST quote's depth).
    for (let i = 0; i < 10; i++) {
      const at = 64 + i * 12;
      const level = i % 5;
      w.int(at, 100 * (level + 1));
      w.price(at + 4, i < 5 ? q.last - q.step * (level + 1) : q.last + q.step * (level + 1));
      w.buf.writeInt16BE(level + 1, at + 8);
    }
  }
  return w.buf;
}

/** One binary message: u16 packet count, then u16 length + packet for each. */
export function encodeMessage(packets: readonly Buffer[]): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(packets.length, 0);
  const parts: Buffer[] = [head];
  for (const p of packets) {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(p.length, 0);
    parts.push(length, p);
  }
  return Buffer.concat(parts);
}

/** The heartbeat: a single byte, sent when nothing else went out for a beat. */
export const HEARTBEAT = Buffer.from([0]);
