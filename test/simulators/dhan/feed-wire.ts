/**
 * The live market feed's binary packets as Dhan sends them (v2, little-endian), written straight from the protocol
 * sheet's tables and independent of the adapter's decoder, so a test of one against the other can fail.
 * Widths and signedness follow the official SDK's struct formats (`<BHBI` header, unsigned counts and times).
 * The message-length field carries the whole packet's size (whether Dhan counts the header is unconfirmed; the
 * official Python SDK never reads the field, and the adapter accepts both readings).
 */

export const SEGMENT_NUMBERS: Readonly<Record<string, number>> = {
  IDX_I: 0,
  NSE_EQ: 1,
  NSE_FNO: 2,
  NSE_CURRENCY: 3,
  BSE_EQ: 4,
  MCX_COMM: 5,
  BSE_CURRENCY: 7,
  BSE_FNO: 8,
};

export interface WireInstrument {
  segment: number;
  securityId: number;
}

function packet(code: number, size: number, at: WireInstrument): DataView {
  const view = new DataView(new ArrayBuffer(size));
  view.setUint8(0, code);
  view.setInt16(1, size, true);
  view.setUint8(3, at.segment);
  view.setInt32(4, at.securityId, true);
  return view;
}

const bytes = (view: DataView) => Buffer.from(view.buffer);

/** Ticker (code 2, 16 bytes): LTP f32, last trade time i32 epoch seconds. */
export function tickerPacket(at: WireInstrument, ltp: number, lttSec: number): Buffer {
  const v = packet(2, 16, at);
  v.setFloat32(8, ltp, true);
  v.setUint32(12, lttSec, true);
  return bytes(v);
}

export interface TradeFields {
  ltp: number;
  ltq: number;
  lttSec: number;
  avgPrice: number;
  volume: number;
  totalSell: number;
  totalBuy: number;
  open: number;
  close: number;
  high: number;
  low: number;
}

/** Quote (code 4, 50 bytes). */
export function quotePacket(at: WireInstrument, f: TradeFields): Buffer {
  const v = packet(4, 50, at);
  v.setFloat32(8, f.ltp, true);
  v.setUint16(12, f.ltq, true);
  v.setUint32(14, f.lttSec, true);
  v.setFloat32(18, f.avgPrice, true);
  v.setUint32(22, f.volume, true);
  v.setUint32(26, f.totalSell, true);
  v.setUint32(30, f.totalBuy, true);
  v.setFloat32(34, f.open, true);
  v.setFloat32(38, f.close, true);
  v.setFloat32(42, f.high, true);
  v.setFloat32(46, f.low, true);
  return bytes(v);
}

export interface WireDepth {
  bidQty: number;
  askQty: number;
  bidOrders: number;
  askOrders: number;
  bid: number;
  ask: number;
}

/** Full (code 8, 162 bytes): the quote fields with OI, then five 20-byte depth levels. */
export function fullPacket(at: WireInstrument, f: TradeFields & { oi: number; oiHigh: number; oiLow: number }, depth: readonly WireDepth[]): Buffer {
  const v = packet(8, 162, at);
  v.setFloat32(8, f.ltp, true);
  v.setUint16(12, f.ltq, true);
  v.setUint32(14, f.lttSec, true);
  v.setFloat32(18, f.avgPrice, true);
  v.setUint32(22, f.volume, true);
  v.setUint32(26, f.totalSell, true);
  v.setUint32(30, f.totalBuy, true);
  v.setUint32(34, f.oi, true);
  v.setUint32(38, f.oiHigh, true);
  v.setUint32(42, f.oiLow, true);
  v.setFloat32(46, f.open, true);
  v.setFloat32(50, f.close, true);
  v.setFloat32(54, f.high, true);
  v.setFloat32(58, f.low, true);
  depth.slice(0, 5).forEach((d, i) => {
    const o = 62 + i * 20;
    v.setUint32(o, d.bidQty, true);
    v.setUint32(o + 4, d.askQty, true);
    v.setUint16(o + 8, d.bidOrders, true);
    v.setUint16(o + 10, d.askOrders, true);
    v.setFloat32(o + 12, d.bid, true);
    v.setFloat32(o + 16, d.ask, true);
  });
  return bytes(v);
}

/** Open interest (code 5, 12 bytes). */
export function oiPacket(at: WireInstrument, oi: number): Buffer {
  const v = packet(5, 12, at);
  v.setUint32(8, oi, true);
  return bytes(v);
}

/** Previous close (code 6, 16 bytes): sent once when an instrument is subscribed in quote or full mode. */
export function prevClosePacket(at: WireInstrument, prevClose: number, prevOi: number): Buffer {
  const v = packet(6, 16, at);
  v.setFloat32(8, prevClose, true);
  v.setUint32(12, prevOi, true);
  return bytes(v);
}

/** Disconnect (code 50, 10 bytes): the reason (u16) (805 too many connections, 807 token expired, 808 bad client id, 809 auth failed). */
export function disconnectPacket(reason: number): Buffer {
  const v = packet(50, 10, { segment: 0, securityId: 0 });
  v.setUint16(8, reason, true);
  return bytes(v);
}
