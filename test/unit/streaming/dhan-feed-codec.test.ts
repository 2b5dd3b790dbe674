import { describe, expect, it } from 'vitest';
import { decodeFeedMessage, feedRequests } from '../../../src/main/brokers/dhan/feed-codec';

/** A packet laid out by hand from the protocol sheet: header, then body fields at their offsets (little-endian). */
function packet(code: number, size: number, segment: number, securityId: number, body: (b: Buffer) => void, length = size): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt8(code, 0);
  b.writeInt16LE(length, 1);
  b.writeUInt8(segment, 3);
  b.writeUInt32LE(securityId, 4);
  body(b);
  return b;
}

const LTT = 1_767_585_600; // 2026-01-05 04:00:00 UTC

const ticker = (ltp = 1523.45, length = 16) =>
  packet(
    2,
    16,
    1,
    1594,
    (b) => {
      b.writeFloatLE(ltp, 8);
      b.writeInt32LE(LTT, 12);
    },
    length,
  );

describe('Dhan feed decoder', () => {
  it('reads a ticker packet: float32 price back on the paise grid, LTT in epoch seconds', () => {
    expect(decodeFeedMessage(ticker())).toEqual({
      packets: [{ kind: 'ticker', segment: 1, securityId: 1594, ltp: 1523.45, ltt: LTT }],
      malformed: 0,
      unknown: 0,
    });
  });

  it('accepts the length field as the whole packet or as the body alone (the sheet leaves it open)', () => {
    expect(decodeFeedMessage(ticker(100, 8)).packets).toHaveLength(1);
    expect(decodeFeedMessage(ticker(100, 12))).toMatchObject({ packets: [], malformed: 1 });
  });

  it('reads a quote packet field by field', () => {
    const b = packet(4, 50, 4, 500112, (p) => {
      p.writeFloatLE(812.35, 8);
      p.writeInt16LE(7, 12);
      p.writeInt32LE(LTT, 14);
      p.writeFloatLE(811.9, 18);
      p.writeInt32LE(123456, 22);
      p.writeInt32LE(900, 26);
      p.writeInt32LE(800, 30);
      p.writeFloatLE(805, 34);
      p.writeFloatLE(809.1, 38);
      p.writeFloatLE(815.5, 42);
      p.writeFloatLE(801.25, 46);
    });
    expect(decodeFeedMessage(b).packets).toEqual([
      {
        kind: 'quote',
        segment: 4,
        securityId: 500112,
        ltp: 812.35,
        ltq: 7,
        ltt: LTT,
        avgPrice: 811.9,
        volume: 123456,
        open: 805,
        close: 809.1,
        high: 815.5,
        low: 801.25,
      },
    ]);
  });

  it('reads counts and times unsigned, as the SDK unpacks them: a volume past 2^31 stays positive', () => {
    const b = packet(4, 50, 2, 3_000_000_001, (p) => {
      p.writeFloatLE(100, 8);
      p.writeUInt16LE(40_000, 12);
      p.writeUInt32LE(LTT, 14);
      p.writeUInt32LE(3_000_000_000, 22);
    });
    expect(decodeFeedMessage(b).packets[0]).toMatchObject({ securityId: 3_000_000_001, ltq: 40_000, volume: 3_000_000_000 });
  });

  it('reads a full packet with five depth levels', () => {
    const b = packet(8, 162, 2, 35001, (p) => {
      p.writeFloatLE(24850.5, 8);
      p.writeInt16LE(75, 12);
      p.writeInt32LE(LTT, 14);
      p.writeFloatLE(24840, 18);
      p.writeInt32LE(9_000_000, 22);
      p.writeInt32LE(1_000, 34); // OI
      p.writeFloatLE(24700, 46);
      p.writeFloatLE(24690.1, 50);
      p.writeFloatLE(24900, 54);
      p.writeFloatLE(24650.3, 58);
      for (let level = 0; level < 5; level++) {
        const at = 62 + level * 20;
        p.writeInt32LE(75 * (level + 1), at);
        p.writeInt32LE(150 * (level + 1), at + 4);
        p.writeInt16LE(level + 1, at + 8);
        p.writeInt16LE(level + 2, at + 10);
        p.writeFloatLE(24850.4 - level * 0.1, at + 12);
        p.writeFloatLE(24850.6 + level * 0.1, at + 16);
      }
    });
    const [full] = decodeFeedMessage(b).packets;
    expect(full).toMatchObject({ kind: 'full', segment: 2, securityId: 35001, ltp: 24850.5, ltq: 75, volume: 9_000_000, open: 24700, low: 24650.3 });
    if (full?.kind !== 'full') throw new Error('not full');
    expect(full.depth).toHaveLength(5);
    expect(full.depth[0]).toEqual({ bidQty: 75, askQty: 150, bidOrders: 1, askOrders: 2, bid: 24850.4, ask: 24850.6 });
    expect(full.depth[4]).toEqual({ bidQty: 375, askQty: 750, bidOrders: 5, askOrders: 6, bid: 24850, ask: 24851 });
  });

  it('keeps four decimals for currency segments', () => {
    const b = packet(2, 16, 3, 8000, (p) => {
      p.writeFloatLE(83.1225, 8);
      p.writeInt32LE(LTT, 12);
    });
    expect(decodeFeedMessage(b).packets[0]).toMatchObject({ ltp: 83.1225 });
  });

  it('reads OI, previous close, market status and the disconnect reason', () => {
    const oi = packet(5, 12, 2, 35001, (p) => p.writeInt32LE(4321, 8));
    const prev = packet(6, 16, 1, 1594, (p) => {
      p.writeFloatLE(1500.05, 8);
      p.writeInt32LE(0, 12);
    });
    const status = packet(7, 8, 0, 0, () => undefined);
    const bye = packet(50, 10, 0, 0, (p) => p.writeInt16LE(807, 8));
    expect(decodeFeedMessage(Buffer.concat([oi, prev, status, bye])).packets).toEqual([
      { kind: 'oi', segment: 2, securityId: 35001, openInterest: 4321 },
      { kind: 'prevClose', segment: 1, securityId: 1594, prevClose: 1500.05, prevOi: 0 },
      { kind: 'marketStatus', segment: 0, securityId: 0 },
      { kind: 'disconnect', segment: 0, securityId: 0, reason: 807 },
    ]);
  });

  it('reads packets sent back to back in one message', () => {
    expect(decodeFeedMessage(Buffer.concat([ticker(10), ticker(20), ticker(30)])).packets.map((p) => 'ltp' in p && p.ltp)).toEqual([10, 20, 30]);
  });

  it('counts a truncated packet as malformed, at every cut, and keeps what came before it', () => {
    const whole = ticker();
    for (let cut = 1; cut < whole.length; cut++) {
      expect(decodeFeedMessage(whole.subarray(0, cut)), `cut at ${cut}`).toEqual({ packets: [], malformed: 1, unknown: 0 });
    }
    const twoAndAHalf = Buffer.concat([ticker(), ticker()]).subarray(0, 24);
    expect(decodeFeedMessage(twoAndAHalf)).toMatchObject({ packets: [{ kind: 'ticker' }], malformed: 1 });
    expect(decodeFeedMessage(Buffer.alloc(0))).toEqual({ packets: [], malformed: 0, unknown: 0 });
  });

  it('counts a length field that fits neither reading, and a non-finite price, as malformed', () => {
    expect(decodeFeedMessage(ticker(100, 162))).toMatchObject({ malformed: 1 });
    expect(decodeFeedMessage(ticker(Number.NaN))).toMatchObject({ packets: [], malformed: 1 });
    expect(decodeFeedMessage(ticker(Number.POSITIVE_INFINITY))).toMatchObject({ packets: [], malformed: 1 });
  });

  it('counts an unknown response code as unknown and skips the rest of the message', () => {
    const odd = packet(99, 16, 1, 1594, () => undefined);
    expect(decodeFeedMessage(Buffer.concat([ticker(), odd, ticker()]))).toEqual({
      packets: [expect.objectContaining({ kind: 'ticker' })],
      malformed: 0,
      unknown: 1,
    });
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
      if (i % 3 === 0) bytes[0] = [2, 4, 5, 6, 8, 50][i % 6]!;
      expect(() => decodeFeedMessage(bytes)).not.toThrow();
    }
  });

  it('builds requests of at most 100 instruments each', () => {
    const list = Array.from({ length: 250 }, (_, i) => ({ ExchangeSegment: 'NSE_EQ', SecurityId: String(i + 1) }));
    const requests = feedRequests(17, list).map((t) => JSON.parse(t) as { RequestCode: number; InstrumentCount: number; InstrumentList: unknown[] });
    expect(requests.map((r) => [r.RequestCode, r.InstrumentCount, r.InstrumentList.length])).toEqual([
      [17, 100, 100],
      [17, 100, 100],
      [17, 50, 50],
    ]);
    expect(requests[0]!.InstrumentList[0]).toEqual({ ExchangeSegment: 'NSE_EQ', SecurityId: '1' });
  });
});
