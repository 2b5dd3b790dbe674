import { describe, expect, it } from 'vitest';
import {
  ackRequest,
  channelBitmap,
  channelRequest,
  connectRequest,
  decodeFrame,
  HsmDecodeError,
  modeRequest,
  parseCatalogue,
  PING_REQUEST,
  scripRequest,
} from '../../src/main/brokers/fyers/hsm-codec';
import { hsmKeyOf } from '../../src/main/brokers/fyers/hsm-key';
import { apiStatusOf, toOrderUpdate } from '../../src/main/brokers/fyers/order-stream';
import { indexTopic, isIndexTicker, scripTopic } from '../../src/main/brokers/fyers/hsm-topics';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (...parts: (number[] | string | Uint8Array)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const opts = { ackCount: 0, liteValues: () => 1 };

describe('FYERS HSM requests (big-endian)', () => {
  it('builds the connect packet: length, type 1, four fields', () => {
    // 2-byte length 0x0018 = 24: type, count, then 1/"ab", 2/"P", 3/0x01, 4/"JS_API".
    expect(hex(connectRequest('ab'))).toBe(
      hex(bytes([0x00, 0x18, 0x01, 0x04], [0x01, 0x00, 0x02], 'ab', [0x02, 0x00, 0x01], 'P', [0x03, 0x00, 0x01, 0x01], [0x04, 0x00, 0x06], 'JS_API')),
    );
  });

  it('builds subscribe and unsubscribe packets with the scrip list and the channel', () => {
    const topic = 'sf|nse_cm|3045';
    const list = bytes([0x00, 0x01, topic.length], topic);
    expect(hex(scripRequest(4, [topic], 11))).toBe(
      hex(bytes([0x00, 2 + 3 + list.length + 3 + 1, 0x04, 0x02, 0x01, 0x00, list.length], list, [0x02, 0x00, 0x01, 0x0b])),
    );
    expect(scripRequest(5, [topic], 1)[2]).toBe(5);
  });

  it('sets bit n of a 64-bit big-endian bitmap for channel n (33–64 in the first four bytes)', () => {
    expect(hex(channelBitmap([1, 11]))).toBe('0000000000000802');
    expect(hex(channelBitmap([33]))).toBe('0000000200000000');
    expect(hex(channelRequest(8, [1]))).toBe('000d0801010008' + '0000000000000002');
    expect(hex(modeRequest([11], 'lite'))).toBe('00110c02010008' + '0000000000000800' + '0200014c');
    expect(modeRequest([11], 'full').at(-1)).toBe(70);
  });

  it("matches byte for byte what FYERS' JS SDK 1.9.0 sends (captured from the SDK against a loopback server)", () => {
    expect(hex(connectRequest('abc123'))).toBe('001c010401000661626331323302000150030001010400064a535f415049');
    expect(hex(scripRequest(4, ['sf|nse_cm|3045'], 11))).toBe('001a040201001100010e73667c6e73655f636d7c333034350200010b');
    // The SDK pauses every channel but its own (1–30 except 11) and resumes 11.
    const others = Array.from({ length: 30 }, (_, i) => i + 1).filter((c) => c !== 11);
    expect(hex(channelRequest(7, others))).toBe('000d0701010008000000007ffff7fe');
    expect(hex(channelRequest(8, [11]))).toBe('000d08010100080000000000000800');
    expect(hex(modeRequest([11], 'lite'))).toBe('00110c0201000800000000000008000200014c');
    // With ack count 2 the SDK acknowledged data packets 2 and 4 like this.
    expect([ackRequest(2), ackRequest(4)].map(hex)).toEqual(['0009030101000400000002', '0009030101000400000004']);
  });

  it('pings with the three bytes 00 01 0B and acks with the message number', () => {
    expect(hex(PING_REQUEST)).toBe('00010b');
    expect(hex(ackRequest(258))).toBe('0009030101000400000102');
  });
});

describe('FYERS HSM responses', () => {
  const catalogue = '{"fields":[{"fid":"s105","fld":"ltp"},{"fid":"s106","fld":"ltt"}],"scrip":["s105","s106"],"scrip_lite":{"hfid":1}}';

  it('reads the connection response: status, ack count, catalogue', () => {
    const body = bytes([0x01, 0x03, 0x01, 0x00, 0x01], 'K', [0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x05, 0x03, 0x00, catalogue.length], catalogue);
    const frame = bytes([0x00, body.length], body);
    expect(decodeFrame(frame, opts)).toEqual([{ type: 'connection', ok: true, ackCount: 5, catalogue }]);
    expect(decodeFrame(bytes([0x00, 0x06, 0x01, 0x01, 0x01, 0x00, 0x01], 'N'), opts)).toEqual([
      { type: 'connection', ok: false, ackCount: 0, catalogue: null },
    ]);
    expect(parseCatalogue(catalogue)).toEqual({ scrip: ['ltp', 'ltt'], index: [], liteValues: 1, indexLiteValues: 1 });
    expect(parseCatalogue('{"fields":[],"scrip":[]}')).toBeNull();
    expect(parseCatalogue('{nope')).toBeNull();
  });

  it('reads acknowledgements of subscribe (4) and mode (12)', () => {
    expect(decodeFrame(bytes([0x00, 0x06, 0x04, 0x01, 0x01, 0x00, 0x01], 'K'), opts)).toEqual([{ type: 'ack', request: 4, ok: true }]);
    expect(decodeFrame(bytes([0x00, 0x06, 0x0c, 0x01, 0x01, 0x00, 0x01], 'N'), opts)).toEqual([{ type: 'ack', request: 12, ok: false }]);
  });

  const snapshot = bytes(
    'S',
    [0x00, 0x07, 14],
    'sf|nse_cm|3045',
    [0x02, 0x00, 0x01, 0x3d, 0x4e, 0x80, 0x00, 0x00, 0x00], // 2 values: 81230, no value
    [0xaa, 0xbb, 0x00, 0x01, 0x02], // skipped, multiplier 1, precision 2
    [3],
    'NSE',
    [4],
    '3045',
    [7],
    'SBIN-EQ',
  );

  it('reads snapshot, update and lite entries of a data packet, with −2147483648 as no value', () => {
    const entries = bytes([0x00, 0x03], snapshot, 'U', [0x00, 0x07, 0x01, 0x00, 0x01, 0x3d, 0x58], 'L', [0x00, 0x07, 0x00, 0x01, 0x3d, 0x62]);
    const frame = bytes([0x00, entries.length + 1, 0x06], entries);
    expect(decodeFrame(frame, opts)).toEqual([
      {
        type: 'data',
        messageNumber: null,
        entries: [
          {
            kind: 'snapshot',
            topicId: 7,
            topic: 'sf|nse_cm|3045',
            values: [81230, null],
            multiplier: 1,
            precision: 2,
            exchange: 'NSE',
            token: '3045',
            symbol: 'SBIN-EQ',
          },
          { kind: 'update', topicId: 7, values: [81240] },
          { kind: 'lite', topicId: 7, values: [81250] },
        ],
      },
    ]);
    // With an ack count the packet carries a message number first.
    const numbered = bytes([0x00, 0x07, 0x06, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00]);
    expect(decodeFrame(numbered, { ackCount: 3, liteValues: () => 1 })).toEqual([{ type: 'data', messageNumber: 42, entries: [] }]);
  });

  it('reads several packets in one frame, skips unknown packet types by their length, and answers pings', () => {
    const frame = bytes([0x00, 0x03, 0x63, 0xff, 0xff], [0x00, 0x01, 0x0b], [0x00, 0x06, 0x05, 0x01, 0x01, 0x00, 0x01], 'K');
    expect(decodeFrame(frame, opts)).toEqual([{ type: 'unknown', code: 99 }, { type: 'ping' }, { type: 'ack', request: 5, ok: true }]);
  });

  it('refuses truncated and inconsistent packets whole', () => {
    const data = bytes([0x00, snapshot.length + 3, 0x06, 0x00, 0x01], snapshot);
    expect(decodeFrame(data, opts)).toHaveLength(1);
    for (let cut = 1; cut < data.length; cut++) expect(() => decodeFrame(data.subarray(0, cut), opts), `cut at ${cut}`).toThrow(HsmDecodeError);
    // The declared length is longer than the entries inside it.
    expect(() => decodeFrame(bytes([0x00, snapshot.length + 4, 0x06, 0x00, 0x01], snapshot, [0x00]), opts)).toThrow(HsmDecodeError);
    // The entry count promises a second entry that is not there.
    expect(() => decodeFrame(bytes([0x00, snapshot.length + 3, 0x06, 0x00, 0x02], snapshot), opts)).toThrow(HsmDecodeError);
    // An unknown entry kind cannot be sized.
    expect(() => decodeFrame(bytes([0x00, 0x04, 0x06, 0x00, 0x01], 'Z'), opts)).toThrow(HsmDecodeError);
    // A connection response without a status, an ack without K/N.
    expect(() => decodeFrame(bytes([0x00, 0x02, 0x01, 0x00]), opts)).toThrow(HsmDecodeError);
    expect(() => decodeFrame(bytes([0x00, 0x06, 0x04, 0x01, 0x01, 0x00, 0x01], 'X'), opts)).toThrow(HsmDecodeError);
    expect(() => decodeFrame(bytes([0x00, 0x00]), opts)).toThrow(HsmDecodeError);
  });
});

describe('FYERS stream helpers', () => {
  it('turns fyTokens into scrip topics (segment from the first four digits, token from position 10)', () => {
    expect(scripTopic('10100000003045')).toBe('sf|nse_cm|3045');
    expect(scripTopic('101000000011536')).toBe('sf|nse_cm|11536');
    expect(scripTopic('1210000000500112')).toBe('sf|bse_cm|500112');
    expect(scripTopic('101100000035001')).toBe('sf|nse_fo|35001');
    expect(scripTopic('9999000000001')).toBeNull();
    expect(scripTopic('1010abc')).toBeNull();
  });

  it('names index topics from the index table: segment by exchange, no fyToken', () => {
    expect(indexTopic('NSE:NIFTY50-INDEX')).toBe('if|nse_cm|Nifty 50');
    expect(indexTopic('NSE:NIFTYBANK-INDEX')).toBe('if|nse_cm|Nifty Bank');
    expect(indexTopic('BSE:SENSEX-INDEX')).toBe('if|bse_cm|SENSEX');
    expect(indexTopic('NSE:NOTANINDEX-INDEX')).toBeNull();
    expect(isIndexTicker('NSE:NIFTY50-INDEX')).toBe(true);
    expect(isIndexTicker('NSE:SBIN-EQ')).toBe(false);
  });

  it('reads hsm_key from the token locally, refusing a missing claim or a passed exp', () => {
    const token = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
    expect(hsmKeyOf(token({ hsm_key: 'abc', exp: 200 }), 199_000)).toBe('abc');
    expect(hsmKeyOf(token({ hsm_key: 'abc', exp: 200 }), 200_000)).toBeNull();
    expect(hsmKeyOf(token({ exp: 200 }), 0)).toBeNull();
    expect(hsmKeyOf(token({ hsm_key: '' }), 0)).toBeNull();
    expect(hsmKeyOf('garbage', 0)).toBeNull();
    expect(hsmKeyOf(undefined, 0)).toBeNull();
  });

  it('maps raw ord_status codes as the SDK does, then to the shared order states', () => {
    expect([11, 12, 20, 21].map(apiStatusOf)).toEqual([4, 4, 4, 4]);
    expect([22, 26, 51, 55, 61, 64, 71, 72].map(apiStatusOf)).toEqual([6, 6, 6, 6, 6, 6, 6, 6]);
    expect([90, 91, 73, 92, 94, 95, null].map(apiStatusOf)).toEqual([2, 1, 1, 5, 5, null, null]);
    const at = 1_000;
    expect(toOrderUpdate({ id: '26010500000001', ord_status: 20, qty_filled: 0 }, at)).toEqual({
      brokerOrderId: '26010500000001',
      state: 'PENDING',
      filledQuantity: 0,
      ts: at,
    });
    expect(toOrderUpdate({ id: 'x', ord_status: 22, qty_filled: 2 }, at)?.state).toBe('PARTIALLY_FILLED');
    expect(toOrderUpdate({ id: 'x', ord_status: 90, qty_filled: 3, price_traded: 812.3, time_oms: '05-Jan-2026 09:30:00' }, at)).toEqual({
      brokerOrderId: 'x',
      state: 'FILLED',
      filledQuantity: 3,
      averagePrice: 812.3,
      ts: Date.UTC(2026, 0, 5, 4, 0, 0),
    });
    expect(toOrderUpdate({ id: 'x', ord_status: 92, oms_msg: 'RED:Margin Shortfall' }, at)).toMatchObject({
      state: 'REJECTED',
      message: 'RED:Margin Shortfall',
    });
    expect(toOrderUpdate({ ord_status: 90 }, at)).toBeNull();
  });
});
