import { priceAt } from '../exchange';
import type { ScripRow } from './scrip';
import { simSymbol } from './scrip';

/**
 * SmartStream 2.0 packets as Angel sends them: little-endian, one packet per message, laid out from the protocol
 * sheet's offset table. Written here with literal offsets, independently of the adapter's decoder, so a wrong offset
 * on either side shows up as a failing test instead of agreeing with itself.
 *
 * What the official SDKs need to decode these, and how it is honoured: both decode each message as one packet
 * (one packet per message here); the JS SDK reads the LTP as 4 bytes in LTP mode (simulated prices stay far below
 * 2^31 paise, so the upper 4 bytes are zero); the JS SDK takes the first 100 best-five bytes as buys whatever the
 * flag (buys come first here, flagged 1 as the docs say).
 */

/** exchangeType on the wire → the scrip master's exch_seg. */
export const EXCHANGE_SEGMENTS: Readonly<Record<number, string>> = { 1: 'NSE', 2: 'NFO', 3: 'BSE', 4: 'BFO', 5: 'MCX', 7: 'NCX', 13: 'CDS' };

const SIZE: Record<1 | 2 | 3, number> = { 1: 51, 2: 123, 3: 379 };
const IST_MS = 5.5 * 3_600_000;
const DAY_MS = 86_400_000;

export interface PacketState {
  mode: 1 | 2 | 3;
  exchangeType: number;
  scrip: ScripRow;
  sequence: number;
  at: number;
}

/** The scrip's tick in paise (the master writes "5.000000" for ₹0.05; indices have 0 and move by 5 paise here). */
function tickPaise(scrip: ScripRow): number {
  return Number(scrip.tick_size) || 5;
}

/** The exchange's price at `at`, on the scrip's tick, in the segment's integer unit. */
function units(scrip: ScripRow, exchangeType: number, at: number): bigint {
  const tick = tickPaise(scrip);
  const paise = Math.round((priceAt(simSymbol(scrip), at) * 100) / tick) * tick;
  // Currency derivatives (cde_fo) carry prices in 1e-7 rupees instead of paise.
  return BigInt(paise) * (exchangeType === 13 ? 100_000n : 1n);
}

/** One packet for a subscribed token at `at`: prices walk on the shared exchange's path, on the scrip's tick. */
export function tickPacket(s: PacketState): Buffer {
  const buf = Buffer.alloc(SIZE[s.mode]);
  const ltp = units(s.scrip, s.exchangeType, s.at);
  const tick = BigInt(tickPaise(s.scrip)) * (s.exchangeType === 13 ? 100_000n : 1n);
  buf.writeUInt8(s.mode, 0);
  buf.writeUInt8(s.exchangeType, 1);
  buf.write(s.scrip.token, 2, 25, 'latin1'); // the rest of the 25 bytes stays NUL
  buf.writeBigInt64LE(BigInt(s.sequence), 27);
  buf.writeBigInt64LE(BigInt(s.at), 35);
  buf.writeBigInt64LE(ltp, 43);
  if (s.mode === 1) return buf;

  const dayOpen = Math.floor((s.at + IST_MS) / DAY_MS) * DAY_MS - IST_MS + 3.75 * 3_600_000; // 09:15 IST
  const open = units(s.scrip, s.exchangeType, dayOpen);
  const close = units(s.scrip, s.exchangeType, dayOpen - DAY_MS);
  const max = (a: bigint, b: bigint) => (a > b ? a : b);
  const min = (a: bigint, b: bigint) => (a < b ? a : b);
  buf.writeBigInt64LE(BigInt(1 + (s.sequence % 10)), 51); // last traded quantity
  buf.writeBigInt64LE((open + ltp) / 2n - (((open + ltp) / 2n) % tick), 59); // average traded price
  buf.writeBigInt64LE(BigInt(1_000 + Math.max(0, Math.floor((s.at - dayOpen) / 1_000)) * 7), 67); // volume
  buf.writeDoubleLE(12_500 + (s.sequence % 100), 75); // total buy quantity (float64)
  buf.writeDoubleLE(11_800 + (s.sequence % 50), 83); // total sell quantity (float64)
  buf.writeBigInt64LE(open, 91);
  buf.writeBigInt64LE(max(open, ltp) + tick, 99);
  buf.writeBigInt64LE(min(open, ltp) - tick, 107);
  buf.writeBigInt64LE(close, 115);
  if (s.mode === 2) return buf;

  buf.writeBigInt64LE(BigInt(s.at), 123); // last traded time
  buf.writeBigInt64LE(0n, 131); // open interest (cash scrips have none)
  buf.writeDoubleLE(0, 139); // OI change %, a dummy per the docs
  for (let i = 0; i < 10; i++) {
    const at = 147 + i * 20;
    const buy = i < 5;
    const level = BigInt((i % 5) + 1);
    buf.writeInt16LE(buy ? 1 : 0, at); // docs: 1 = buy, 0 = sell
    buf.writeBigInt64LE(level * 10n, at + 2);
    buf.writeBigInt64LE(buy ? ltp - level * tick : ltp + level * tick, at + 10);
    buf.writeInt16LE(Number(level), at + 18);
  }
  const band = close / 5n - ((close / 5n) % tick);
  buf.writeBigInt64LE(close + band, 347); // upper circuit
  buf.writeBigInt64LE(close - band, 355); // lower circuit
  buf.writeBigInt64LE(max(ltp, close) + band, 363); // 52-week high
  buf.writeBigInt64LE(min(ltp, close) - band, 371); // 52-week low
  return buf;
}
