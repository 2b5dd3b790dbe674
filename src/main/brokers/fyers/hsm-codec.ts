/**
 * The FYERS HSM data socket's binary framing, client side (big-endian throughout): the request packets the app
 * sends and a decoder for the response packets it receives. Pure functions, no socket: the stream owns the state.
 *
 * Request: u16 length of what follows, u8 type, u8 field count, then fields (u8 id, u16 length, bytes).
 * Response: u16 length, u8 type, then per type (connection, acknowledgement, data, ping).
 */

export const HSM_REQUEST = { connect: 1, ack: 3, subscribe: 4, unsubscribe: 5, pause: 7, resume: 8, ping: 11, mode: 12 } as const;
const RESPONSE_CONNECTION = 1;
const RESPONSE_DATA = 6;
const RESPONSE_PING = 11;
/** Acknowledgements of subscribe, unsubscribe, pause, resume, snapshot and mode requests. */
const ACK_TYPES = new Set([4, 5, 7, 8, 9, 12]);
/** An i32 field with no value. */
export const HSM_NO_VALUE = -2147483648;

/** What the SDK sends as its source (the Python SDK sends its own string; which the server checks is unconfirmed). */
export const HSM_SOURCE = 'JS_API';

/** A truncated or inconsistent packet: the frame is dropped and counted, never half-applied. */
export class HsmDecodeError extends Error {}

function packet(type: number, fields: readonly (readonly [number, Uint8Array])[]): Buffer {
  const size = 2 + fields.reduce((n, [, bytes]) => n + 3 + bytes.length, 0);
  const out = Buffer.alloc(2 + size);
  let at = out.writeUInt16BE(size, 0);
  at = out.writeUInt8(type, at);
  at = out.writeUInt8(fields.length, at);
  for (const [id, bytes] of fields) {
    at = out.writeUInt8(id, at);
    at = out.writeUInt16BE(bytes.length, at);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

const ascii = (value: string) => Buffer.from(value, 'latin1');
const byte = (value: number) => Uint8Array.of(value);

/** Type 1: authenticate with the token's hsm_key, mode P, stream data on. SECURITY: the key is only ever in this packet. */
export function connectRequest(hsmKey: string, source = HSM_SOURCE): Buffer {
  return packet(HSM_REQUEST.connect, [
    [1, ascii(hsmKey)],
    [2, ascii('P')],
    [3, byte(1)],
    [4, ascii(source)],
  ]);
}

/** Type 4 / 5: topics (`sf|nse_cm|3045`) on one channel (1–30). */
export function scripRequest(type: typeof HSM_REQUEST.subscribe | typeof HSM_REQUEST.unsubscribe, topics: readonly string[], channel: number): Buffer {
  const names = topics.map(ascii);
  const list = Buffer.alloc(2 + names.reduce((n, b) => n + 1 + b.length, 0));
  let at = list.writeUInt16BE(names.length, 0);
  for (const name of names) {
    at = list.writeUInt8(name.length, at);
    list.set(name, at);
    at += name.length;
  }
  return packet(type, [
    [1, list],
    [2, byte(channel)],
  ]);
}

/** Eight bytes: a 64-bit big-endian integer with bit n set for channel n (channels 33–64 in the first four bytes). */
export function channelBitmap(channels: readonly number[]): Buffer {
  let bits = 0n;
  for (const channel of channels) bits |= 1n << BigInt(channel);
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(bits & 0xffff_ffff_ffff_ffffn, 0);
  return out;
}

/** Type 7 / 8: pause or resume channels. */
export function channelRequest(type: typeof HSM_REQUEST.pause | typeof HSM_REQUEST.resume, channels: readonly number[]): Buffer {
  return packet(type, [[1, channelBitmap(channels)]]);
}

/** Type 12: lite (`L`, last price only) or full (`F`) data on these channels. */
export function modeRequest(channels: readonly number[], mode: 'lite' | 'full'): Buffer {
  return packet(HSM_REQUEST.mode, [
    [1, channelBitmap(channels)],
    [2, byte(mode === 'lite' ? 76 : 70)],
  ]);
}

/** Type 3: data packets received so far, sent every `ack count` packets when the server asks (layout unconfirmed). */
export function ackRequest(messageNumber: number): Buffer {
  const n = Buffer.alloc(4);
  n.writeUInt32BE(messageNumber >>> 0, 0);
  return packet(HSM_REQUEST.ack, [[1, n]]);
}

/** Type 11, no fields: the SDK's keep-alive, every 30 s. */
export const PING_REQUEST = Uint8Array.of(0x00, 0x01, 0x0b);

/** One i32 of a data entry; null for "no value". */
export type HsmValue = number | null;

export type HsmEntry =
  | {
      kind: 'snapshot';
      topicId: number;
      topic: string;
      values: HsmValue[];
      multiplier: number;
      precision: number;
      exchange: string;
      token: string;
      symbol: string;
    }
  | { kind: 'update'; topicId: number; values: HsmValue[] }
  | { kind: 'lite'; topicId: number; values: HsmValue[] };

export type HsmResponse =
  | { type: 'connection'; ok: boolean; ackCount: number; catalogue: string | null }
  | { type: 'ack'; request: number; ok: boolean }
  | { type: 'data'; messageNumber: number | null; entries: HsmEntry[] }
  | { type: 'ping' }
  | { type: 'unknown'; code: number };

export interface DecodeOptions {
  /** From the connection response: when > 0, every data packet carries a u32 message number. */
  ackCount: number;
  /** Values in a lite entry for this topic id (the catalogue's `scrip_lite.hfid` or `index_lite.hfid`). */
  liteValues(topicId: number): number;
}

/** Reads within one packet; any read past its end throws HsmDecodeError. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    private at: number,
    private readonly end: number,
  ) {}

  get done(): boolean {
    return this.at >= this.end;
  }

  private take(n: number): number {
    if (this.at + n > this.end) throw new HsmDecodeError('packet truncated');
    const start = this.at;
    this.at += n;
    return start;
  }

  u8(): number {
    return this.buf.readUInt8(this.take(1));
  }

  u16(): number {
    return this.buf.readUInt16BE(this.take(2));
  }

  u32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }

  /** `count` i32 values, bounds-checked once. */
  values(count: number): HsmValue[] {
    const start = this.take(count * 4);
    const out = new Array<HsmValue>(count);
    for (let i = 0; i < count; i++) {
      const v = this.buf.readInt32BE(start + i * 4);
      out[i] = v === HSM_NO_VALUE ? null : v;
    }
    return out;
  }

  bytes(n: number): Buffer {
    const start = this.take(n);
    return this.buf.subarray(start, start + n);
  }

  text(n: number): string {
    const start = this.take(n);
    return this.buf.toString('latin1', start, start + n);
  }
  /** Fields of u8 id, u16 length, bytes. */
  fields(count: number): Map<number, Buffer> {
    const out = new Map<number, Buffer>();
    for (let i = 0; i < count; i++) {
      const id = this.u8();
      out.set(id, this.bytes(this.u16()));
    }
    return out;
  }
}

function entry(r: Reader, options: DecodeOptions): HsmEntry {
  const kind = r.u8();
  if (kind === 83) {
    const topicId = r.u16();
    const topic = r.text(r.u8());
    const vals = r.values(r.u8());
    r.bytes(2); // skipped by the SDK
    const multiplier = r.u16();
    const precision = r.u8();
    const exchange = r.text(r.u8());
    const token = r.text(r.u8());
    const symbol = r.text(r.u8());
    return { kind: 'snapshot', topicId, topic, values: vals, multiplier, precision, exchange, token, symbol };
  }
  if (kind === 85) {
    const topicId = r.u16();
    return { kind: 'update', topicId, values: r.values(r.u8()) };
  }
  if (kind === 76) {
    const topicId = r.u16();
    return { kind: 'lite', topicId, values: r.values(options.liteValues(topicId)) };
  }
  // An entry kind we cannot size: the rest of the packet cannot be read.
  throw new HsmDecodeError('unknown data entry');
}

function response(r: Reader, type: number, options: DecodeOptions): HsmResponse {
  if (type === RESPONSE_CONNECTION) {
    const fields = r.fields(r.u8());
    const status = fields.get(1)?.toString('latin1');
    const ack = fields.get(2);
    if (status !== 'K' && status !== 'N') throw new HsmDecodeError('connection status missing');
    const ackCount = ack && ack.length === 4 ? ack.readInt32BE(0) : ack && ack.length === 2 ? ack.readUInt16BE(0) : 0;
    return { type: 'connection', ok: status === 'K', ackCount: Math.max(0, ackCount), catalogue: fields.get(3)?.toString('utf8') ?? null };
  }
  if (ACK_TYPES.has(type)) {
    const status = r.fields(r.u8()).get(1)?.toString('latin1');
    if (status !== 'K' && status !== 'N') throw new HsmDecodeError('acknowledgement status missing');
    return { type: 'ack', request: type, ok: status === 'K' };
  }
  if (type === RESPONSE_DATA) {
    const messageNumber = options.ackCount > 0 ? r.u32() : null;
    const count = r.u16();
    const entries = new Array<HsmEntry>(count);
    for (let i = 0; i < count; i++) entries[i] = entry(r, options);
    return { type: 'data', messageNumber, entries };
  }
  if (type === RESPONSE_PING) return { type: 'ping' };
  return { type: 'unknown', code: type };
}

/**
 * Every packet in one WebSocket frame. Throws HsmDecodeError when a packet is truncated, overruns its declared
 * length or leaves bytes unread: the caller drops the whole frame.
 */
export function decodeFrame(buf: Buffer, options: DecodeOptions): HsmResponse[] {
  const out: HsmResponse[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + 3 > buf.length) throw new HsmDecodeError('packet header truncated');
    const length = buf.readUInt16BE(at);
    const end = at + 2 + length;
    if (length < 1 || end > buf.length) throw new HsmDecodeError('packet truncated');
    const type = buf.readUInt8(at + 2);
    const r = new Reader(buf, at + 3, end);
    const decoded = response(r, type, options);
    if (decoded.type !== 'unknown' && !r.done) throw new HsmDecodeError('packet longer than its contents');
    out.push(decoded);
    at = end;
  }
  return out;
}

/** Field positions the stream needs, read from the connection response's catalogue (field 3). */
export interface HsmCatalogue {
  /** Short field names (`ltp`, `v`, `bp` …) in the order scrip values arrive. */
  scrip: string[];
  /** Short field names (`iv`, `ic` …) in the order index values arrive. */
  index: string[];
  /** Values in a lite entry of a scrip, and of an index. */
  liteValues: number;
  indexLiteValues: number;
}

/**
 * The catalogue JSON: `fields` (fid → short name) and `scrip` (fids in value order). Null when it cannot be used,
 * which leaves the stream unable to name values: the SDK cannot decode data without it either.
 */
export function parseCatalogue(json: string | null): HsmCatalogue | null {
  if (!json) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { fields, scrip, index, scrip_lite: lite, index_lite: indexLite } = parsed as Record<string, unknown>;
  if (!Array.isArray(fields) || !Array.isArray(scrip)) return null;
  const names = new Map<string, string>();
  for (const f of fields) {
    if (typeof f === 'object' && f !== null) {
      const { fid, fld } = f as Record<string, unknown>;
      if ((typeof fid === 'string' || typeof fid === 'number') && typeof fld === 'string') names.set(String(fid), fld);
    }
  }
  const order = (fids: unknown[]) => fids.map((fid) => names.get(String(fid)) ?? '');
  const hfid = (group: unknown) => {
    const n = typeof group === 'object' && group !== null ? (group as Record<string, unknown>).hfid : undefined;
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 1;
  };
  const scripOrder = order(scrip);
  if (!scripOrder.includes('ltp')) return null;
  return { scrip: scripOrder, index: Array.isArray(index) ? order(index) : [], liteValues: hfid(lite), indexLiteValues: hfid(indexLite) };
}
