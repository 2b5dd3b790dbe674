/**
 * The HSM data socket's binary framing, server side (big-endian): requests parsed the way FYERS' server reads them,
 * responses built the way FYERS' SDKs read them. Written apart from the app's codec on purpose, so each checks the other.
 */

export interface HsmRequest {
  type: number;
  /** Field id → bytes (empty for the field-less ping). */
  fields: Map<number, Buffer>;
}

/** One request packet per frame (the SDKs send one at a time); null when it is not a well-formed packet. */
export function parseRequest(buf: Buffer): HsmRequest | null {
  if (buf.length < 3 || buf.readUInt16BE(0) !== buf.length - 2) return null;
  const type = buf[2]!;
  const fields = new Map<number, Buffer>();
  if (buf.length === 3) return { type, fields };
  let at = 4;
  for (let i = 0; i < buf[3]!; i++) {
    if (at + 3 > buf.length) return null;
    const id = buf[at]!;
    const len = buf.readUInt16BE(at + 1);
    if (at + 3 + len > buf.length) return null;
    fields.set(id, buf.subarray(at + 3, at + 3 + len));
    at += 3 + len;
  }
  return at === buf.length ? { type, fields } : null;
}

/** Field 1 of a subscribe/unsubscribe: u16 count, then u8 length + ASCII topic per scrip. */
export function parseTopics(field: Buffer | undefined): string[] | null {
  if (!field || field.length < 2) return null;
  const count = field.readUInt16BE(0);
  const topics: string[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    if (at >= field.length) return null;
    const len = field[at]!;
    if (at + 1 + len > field.length) return null;
    topics.push(field.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  return at === field.length ? topics : null;
}

/** An 8-byte channel bitmap: bit n of the 64-bit big-endian integer is channel n. */
export function parseChannels(field: Buffer | undefined): number[] | null {
  if (!field || field.length !== 8) return null;
  const bits = field.readBigUInt64BE(0);
  const out: number[] = [];
  for (let n = 1; n < 64; n++) if ((bits >> BigInt(n)) & 1n) out.push(n);
  return out;
}

function frame(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt16BE(body.length + 1, 0);
  head.writeUInt8(type, 2);
  return Buffer.concat([head, body]);
}

function field(id: number, bytes: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt8(id, 0);
  head.writeUInt16BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

/** Type 1: status K/N, the ack count (4-byte integer), and the field catalogue the JS SDK cannot decode without. */
export function connectionResponse(ok: boolean, ackCount: number, catalogue: string): Buffer {
  const ack = Buffer.alloc(4);
  ack.writeInt32BE(ackCount, 0);
  const fields = ok ? [field(1, Buffer.from('K')), field(2, ack), field(3, Buffer.from(catalogue, 'utf8'))] : [field(1, Buffer.from('N'))];
  return frame(1, Buffer.concat([Buffer.of(fields.length), ...fields]));
}

/** Types 4/5/7/8/9/12: one field, K or N. */
export function ackResponse(type: number, ok: boolean): Buffer {
  return frame(type, Buffer.concat([Buffer.of(1), field(1, Buffer.from(ok ? 'K' : 'N'))]));
}

export const PING_RESPONSE = Buffer.of(0x00, 0x01, 0x0b);

const i32s = (values: readonly number[]) => {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeInt32BE(v, i * 4));
  return out;
};
const short = (text: string) => Buffer.concat([Buffer.of(Buffer.byteLength(text, 'latin1')), Buffer.from(text, 'latin1')]);
const u16 = (n: number) => {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(n, 0);
  return out;
};

export type DataEntry =
  | { kind: 'S'; topicId: number; topic: string; values: number[]; multiplier: number; precision: number; exchange: string; token: string; symbol: string }
  | { kind: 'U'; topicId: number; values: number[] }
  | { kind: 'L'; topicId: number; values: number[] };

function entryBytes(e: DataEntry): Buffer {
  if (e.kind === 'S') {
    return Buffer.concat([
      Buffer.from('S'),
      u16(e.topicId),
      short(e.topic),
      Buffer.of(e.values.length),
      i32s(e.values),
      Buffer.alloc(2),
      u16(e.multiplier),
      Buffer.of(e.precision),
      short(e.exchange),
      short(e.token),
      short(e.symbol),
    ]);
  }
  if (e.kind === 'U') return Buffer.concat([Buffer.from('U'), u16(e.topicId), Buffer.of(e.values.length), i32s(e.values)]);
  return Buffer.concat([Buffer.from('L'), u16(e.topicId), i32s(e.values)]);
}

/** Type 6: [u32 message number when the ack count is on], u16 entry count, entries. */
export function dataPacket(messageNumber: number | null, entries: readonly DataEntry[]): Buffer {
  const head = messageNumber === null ? Buffer.alloc(0) : Buffer.alloc(4);
  if (messageNumber !== null) head.writeUInt32BE(messageNumber >>> 0, 0);
  return frame(6, Buffer.concat([head, u16(entries.length), ...entries.map(entryBytes)]));
}

export const NO_VALUE = -2147483648;

/** Scrip fields in value order: ids and short names as FYERS' SDKs map them (mapper.js; the Python SDK's fixed list). */
export const SCRIP_FIELDS = [
  ['s105', 'ltp', 'ConvNumber', 'Last traded price'],
  ['s104', 'v', 'Number', 'Volume traded today'],
  ['s106', 'ltt', 'timestamp', 'Last traded time'],
  ['s107', 'fdtm', 'timestamp', 'Exchange feed time'],
  ['s108', 'bq', 'Number', 'Best bid size'],
  ['s109', 'bs', 'Number', 'Best ask size'],
  ['s110', 'bp', 'ConvNumber', 'Best bid price'],
  ['s111', 'sp', 'ConvNumber', 'Best ask price'],
  ['s112', 'ltq', 'Number', 'Last traded quantity'],
  ['s114', 'tbq', 'Number', 'Total buy quantity'],
  ['s115', 'tsq', 'Number', 'Total sell quantity'],
  ['s113', 'ap', 'ConvNumber', 'Average traded price (VWAP)'],
  ['s116', 'oi', 'Number', 'Open interest'],
  ['s117', 'lo', 'ConvNumber', 'Day low'],
  ['s118', 'h', 'ConvNumber', 'Day high'],
  ['s119', 'yh', 'ConvNumber', '52-week high'],
  ['s120', 'yl', 'ConvNumber', '52-week low'],
  ['s122', 'lcl', 'ConvNumber', 'Lower circuit'],
  ['s123', 'ucl', 'ConvNumber', 'Upper circuit'],
  ['s124', 'op', 'ConvNumber', 'Open'],
  ['s121', 'c', 'ConvNumber', 'Previous close'],
] as const;

/**
 * The field catalogue of the connection response (reconstructed: FYERS does not publish it). The change fields
 * f101–f105 are in `fields` because the JS SDK appends them itself and looks them up there.
 */
export const CATALOGUE = JSON.stringify({
  fields: [
    ...SCRIP_FIELDS.map(([fid, fld, dataType, details]) => ({ fid, fld, dataType, details })),
    { fid: 'i102', fld: 'iv', dataType: 'ConvNumber', details: 'Index value' },
    { fid: 'i103', fld: 'ic', dataType: 'ConvNumber', details: 'Index previous close' },
    { fid: 'f101', fld: 'ch', dataType: 'ConvNumber', details: 'Change' },
    { fid: 'f102', fld: 'chp', dataType: 'ConvNumber', details: 'Change %' },
    { fid: 'f103', fld: 'lc', dataType: 'ConvNumber', details: 'Last change' },
    { fid: 'f104', fld: 'ich', dataType: 'ConvNumber', details: 'Index change' },
    { fid: 'f105', fld: 'ichp', dataType: 'ConvNumber', details: 'Index change %' },
  ],
  scrip: SCRIP_FIELDS.map(([fid]) => fid),
  index: ['i102', 'i103'],
  depth: [],
  scrip_lite: { hfid: 1 },
  index_lite: { hfid: 1 },
});
