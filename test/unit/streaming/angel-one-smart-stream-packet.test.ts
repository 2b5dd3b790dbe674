import { describe, expect, it } from 'vitest';
import { decodeSmartStreamPacket, priceDivisor, type SmartStreamPacket } from '../../../src/main/brokers/angel-one/smart-stream-packet';
import { toTick } from '../../../src/main/brokers/angel-one/stream';

// Packets built byte by byte from the protocol sheet's offset table (little-endian), not with any encoder.
const TS = Date.UTC(2026, 0, 5, 4, 0, 0);

function header(size: number, mode: number, exchangeType: number, token: string, ltpUnits: bigint): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt8(mode, 0);
  b.writeUInt8(exchangeType, 1);
  b.write(token, 2, 'latin1');
  b.writeBigInt64LE(991n, 27); // sequence
  b.writeBigInt64LE(BigInt(TS), 35); // exchange time
  b.writeBigInt64LE(ltpUnits, 43);
  return b;
}

function quote(size: number, mode: number): Buffer {
  const b = header(size, mode, 1, '3045', 81_235n);
  b.writeBigInt64LE(25n, 51); // last traded qty
  b.writeBigInt64LE(81_010n, 59); // average price
  b.writeBigInt64LE(1_234_567n, 67); // volume
  b.writeDoubleLE(5_000.5, 75); // total buy qty
  b.writeDoubleLE(4_200.25, 83); // total sell qty
  b.writeBigInt64LE(80_000n, 91);
  b.writeBigInt64LE(82_000n, 99);
  b.writeBigInt64LE(79_500n, 107);
  b.writeBigInt64LE(79_900n, 115);
  return b;
}

function snapQuote(): Buffer {
  const b = quote(379, 3);
  b.writeBigInt64LE(BigInt(TS - 1_000), 123);
  b.writeBigInt64LE(77n, 131);
  for (let i = 0; i < 10; i++) {
    const at = 147 + i * 20;
    b.writeInt16LE(i < 5 ? 1 : 0, at);
    b.writeBigInt64LE(BigInt(100 + i), at + 2);
    // Five buys below the last price, then five sells above it; the last sell level is empty.
    const price = i < 5 ? 81_230 - 5 * i : i === 9 ? 0 : 81_240 + 5 * (i - 5);
    b.writeBigInt64LE(BigInt(price), at + 10);
    b.writeInt16LE(i + 1, at + 18);
  }
  b.writeBigInt64LE(95_880n, 347);
  b.writeBigInt64LE(63_920n, 355);
  b.writeBigInt64LE(99_000n, 363);
  b.writeBigInt64LE(60_000n, 371);
  return b;
}

const packetOf = (buf: Buffer): SmartStreamPacket => {
  const r = decodeSmartStreamPacket(buf);
  if (!('packet' in r)) throw new Error(`expected a packet, got ${r.problem}`);
  return r.packet;
};

describe('SmartStream 2.0 packet decoder', () => {
  it('decodes a 51-byte LTP packet: NUL-padded token, sequence, exchange time, paise to rupees', () => {
    expect(packetOf(header(51, 1, 1, '3045', 81_235n))).toEqual({ mode: 1, exchangeType: 1, token: '3045', sequence: 991, exchangeTs: TS, ltp: 812.35 });
  });

  it('decodes a 123-byte Quote packet with float64 buy/sell quantities and OHLC', () => {
    expect(packetOf(quote(123, 2)).quote).toEqual({
      lastTradedQty: 25,
      averagePrice: 810.1,
      volume: 1_234_567,
      totalBuyQty: 5_000.5,
      totalSellQty: 4_200.25,
      open: 800,
      high: 820,
      low: 795,
      close: 799,
    });
  });

  it('decodes a 379-byte SnapQuote: best five buys then sells by position, empty levels dropped, circuits and 52-week range', () => {
    const p = packetOf(snapQuote());
    expect(p.snap).toMatchObject({ lastTradedTs: TS - 1_000, openInterest: 77, upperCircuit: 958.8, lowerCircuit: 639.2, high52: 990, low52: 600 });
    expect(p.snap!.bids.map((l) => [l.price, l.quantity, l.orders])).toEqual([
      [812.3, 100, 1],
      [812.25, 101, 2],
      [812.2, 102, 3],
      [812.15, 103, 4],
      [812.1, 104, 5],
    ]);
    expect(p.snap!.asks.map((l) => l.price)).toEqual([812.4, 812.45, 812.5, 812.55]);
    expect(toTick('NSE:SBIN', p)).toEqual({ symbol: 'NSE:SBIN', ltp: 812.35, bid: 812.3, ask: 812.4, volume: 1_234_567, ts: TS });
  });

  it('takes the whole 25-byte token when it has no NUL', () => {
    expect(packetOf(header(51, 1, 2, '1234567890123456789012345', 100n)).token).toBe('1234567890123456789012345');
  });

  it('divides currency derivatives (cde_fo, exchange type 13) by 10^7 and everything else by 100', () => {
    expect(priceDivisor(13)).toBe(10_000_000);
    expect(priceDivisor(1)).toBe(100);
    expect(priceDivisor(5)).toBe(100);
    expect(packetOf(header(51, 1, 13, '1154', 832_512_500n)).ltp).toBe(83.25125);
  });

  it('reports truncated packets of every mode as malformed', () => {
    expect(decodeSmartStreamPacket(Buffer.alloc(0))).toEqual({ problem: 'malformed' });
    expect(decodeSmartStreamPacket(header(51, 1, 1, '3045', 1n).subarray(0, 50))).toEqual({ problem: 'malformed' });
    expect(decodeSmartStreamPacket(quote(123, 2).subarray(0, 122))).toEqual({ problem: 'malformed' });
    // A SnapQuote cut after the Quote part (123 bytes) is not a Quote: its mode says 3.
    expect(decodeSmartStreamPacket(snapQuote().subarray(0, 123))).toEqual({ problem: 'malformed' });
    expect(decodeSmartStreamPacket(snapQuote().subarray(0, 378))).toEqual({ problem: 'malformed' });
  });

  it('reports an unknown mode (depth 4, garbage) as unknown, and an unreadable token as malformed', () => {
    expect(decodeSmartStreamPacket(header(51, 4, 1, '3045', 1n))).toEqual({ problem: 'unknown' });
    expect(decodeSmartStreamPacket(header(51, 0, 1, '3045', 1n))).toEqual({ problem: 'unknown' });
    expect(decodeSmartStreamPacket(Buffer.from('pong'))).toEqual({ problem: 'unknown' });
    expect(decodeSmartStreamPacket(header(51, 1, 1, '', 1n))).toEqual({ problem: 'malformed' });
    const badToken = header(51, 1, 1, '30', 1n);
    badToken.writeUInt8(0xff, 3);
    expect(decodeSmartStreamPacket(badToken)).toEqual({ problem: 'malformed' });
  });

  it('gives an LTP tick only the last price, a Quote tick the volume too', () => {
    expect(toTick('NSE:SBIN', packetOf(header(51, 1, 1, '3045', 81_235n)))).toEqual({ symbol: 'NSE:SBIN', ltp: 812.35, ts: TS });
    expect(toTick('NSE:SBIN', packetOf(quote(123, 2)))).toEqual({ symbol: 'NSE:SBIN', ltp: 812.35, volume: 1_234_567, ts: TS });
  });
});
