import { describe, expect, it } from 'vitest';
import { decodeFrame, priceDivisor } from '../../../src/main/brokers/zerodha/ticker-packets';

/** A packet built by hand: big-endian i32 words at their offsets (the sheet's table), i16 where given. */
function packet(length: number, words: Record<number, number>, shorts: Record<number, number> = {}): Buffer {
  const buf = Buffer.alloc(length);
  for (const [offset, value] of Object.entries(words)) {
    if (Number(offset) === 0) buf.writeUInt32BE(value, 0);
    else buf.writeInt32BE(value, Number(offset));
  }
  for (const [offset, value] of Object.entries(shorts)) buf.writeInt16BE(value, Number(offset));
  return buf;
}

/** u16 count, then u16 length + packet for each. */
function frame(...packets: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from([packets.length >> 8, packets.length & 0xff])];
  for (const p of packets) parts.push(Buffer.from([p.length >> 8, p.length & 0xff]), p);
  return Buffer.concat(parts);
}

const INFY = 408065; // NSE, segment 1
const NIFTY = 256265; // segment 9
const USDINR = 412675; // NSE CDS, segment 3
const BSE_CDS = (1234 << 8) | 6;

describe('Kite Ticker packets', () => {
  it('reads a heartbeat as one byte, and the price divisor from the segment byte', () => {
    expect(decodeFrame(Buffer.from([0]))).toEqual({ heartbeat: true, packets: [], malformed: 0 });
    expect([priceDivisor(INFY), priceDivisor(NIFTY), priceDivisor(USDINR), priceDivisor(BSE_CDS)]).toEqual([100, 100, 10_000_000, 10_000]);
  });

  it('decodes ltp, quote and full packets of several instruments in one message', () => {
    const ltp = packet(8, { 0: INFY, 4: 150_025 });
    const quote = packet(44, { 0: 779521, 4: 80_010, 8: 5, 12: 79_950, 16: 1_200_000, 20: 300, 24: 400, 28: 79_000, 32: 81_000, 36: 78_500, 40: 79_500 });
    const depth: Record<number, number> = {};
    const depthShorts: Record<number, number> = {};
    for (let i = 0; i < 10; i++) {
      depth[64 + i * 12] = 100 * (i + 1);
      depth[68 + i * 12] = i < 5 ? 250_000 - 5 * i : 250_010 + 5 * (i - 5);
      depthShorts[72 + i * 12] = i + 1;
    }
    const full = packet(184, { 0: 738561, 4: 250_005, 8: 1, 16: 42, 44: 1_767_585_600, 48: 7, 60: 1_767_585_601, ...depth }, depthShorts);
    const out = decodeFrame(frame(ltp, quote, full));
    expect(out.malformed).toBe(0);
    expect(out.packets.map((p) => [p.token, p.mode, p.lastPrice])).toEqual([
      [INFY, 'ltp', 1500.25],
      [779521, 'quote', 800.1],
      [738561, 'full', 2500.05],
    ]);
    expect(out.packets[1]).toMatchObject({ lastQuantity: 5, averagePrice: 799.5, volume: 1_200_000, buyQuantity: 300, sellQuantity: 400 });
    expect(out.packets[1]).toMatchObject({ open: 790, high: 810, low: 785, close: 795 });
    const f = out.packets[2]!;
    expect(f).toMatchObject({ volume: 42, lastTradeTime: 1_767_585_600_000, exchangeTime: 1_767_585_601_000, oi: 7 });
    expect(f.depth!.buy[0]).toEqual({ quantity: 100, price: 2500, orders: 1 });
    expect(f.depth!.sell[0]).toEqual({ quantity: 600, price: 2500.1, orders: 6 });
    expect(f.depth!.sell[4]).toEqual({ quantity: 1000, price: 2500.3, orders: 10 });
  });

  it('decodes index packets (28 and 32 bytes) and currency prices with their divisors', () => {
    const idx = packet(28, { 0: NIFTY, 4: 2_450_055, 8: 2_460_000, 12: 2_440_000, 16: 2_445_000, 20: 2_448_000, 24: 2_055 });
    const idxFull = packet(32, { 0: NIFTY, 4: 2_450_055, 28: 1_767_585_602 });
    const cds = packet(8, { 0: USDINR, 4: 855_012_500 });
    const bcd = packet(8, { 0: BSE_CDS, 4: 855_025 });
    const out = decodeFrame(frame(idx, idxFull, cds, bcd));
    expect(out.malformed).toBe(0);
    expect(out.packets[0]).toEqual({
      token: NIFTY,
      mode: 'quote',
      index: true,
      lastPrice: 24500.55,
      high: 24600,
      low: 24400,
      open: 24450,
      close: 24480,
      change: 20.55,
    });
    expect(out.packets[1]).toMatchObject({ mode: 'full', index: true, exchangeTime: 1_767_585_602_000 });
    expect(out.packets[2]!.lastPrice).toBeCloseTo(85.50125, 8);
    expect(out.packets[3]!.lastPrice).toBeCloseTo(85.5025, 8);
  });

  it('reads negative prices as signed (a spread contract) without wrapping', () => {
    expect(decodeFrame(frame(packet(8, { 0: INFY, 4: -1_050 }))).packets[0]!.lastPrice).toBe(-10.5);
  });

  it('counts truncated frames and keeps what came before the cut', () => {
    const good = packet(8, { 0: INFY, 4: 100 });
    const whole = frame(good, packet(44, { 0: 779521, 4: 200 }));
    // Cut inside the second packet, inside its length, and inside the count.
    expect(decodeFrame(whole.subarray(0, whole.length - 10))).toMatchObject({ packets: [{ token: INFY }], malformed: 1 });
    expect(decodeFrame(whole.subarray(0, 2 + 2 + 8 + 1))).toMatchObject({ packets: [{ token: INFY }], malformed: 1 });
    expect(decodeFrame(Buffer.from([]))).toEqual({ heartbeat: false, packets: [], malformed: 1 });
    // A count that promises more packets than the frame carries.
    const lying = frame(good);
    lying.writeUInt16BE(3, 0);
    expect(decodeFrame(lying)).toMatchObject({ packets: [{ token: INFY }], malformed: 1 });
  });

  it('skips packets of a length Kite never sends, and counts bytes past the last packet', () => {
    const odd = packet(12, { 0: INFY, 4: 100 });
    const indexAsQuote = packet(44, { 0: NIFTY, 4: 100 });
    const out = decodeFrame(frame(odd, packet(8, { 0: INFY, 4: 300 }), indexAsQuote));
    expect(out.packets.map((p) => p.lastPrice)).toEqual([3]);
    expect(out.malformed).toBe(2);
    const trailing = Buffer.concat([frame(packet(8, { 0: INFY, 4: 300 })), Buffer.from([1, 2, 3])]);
    expect(decodeFrame(trailing)).toMatchObject({ packets: [{ lastPrice: 3 }], malformed: 1 });
  });
});
