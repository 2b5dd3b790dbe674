import { createHmac, verify, type KeyObject } from 'node:crypto';
import type { SimRequest, SimResponse } from '../harness';

export interface SimKey {
  apiKey: string;
  /** HMAC ("System generated") keys: the shared secret. */
  secretKey: string;
  /** Self-generated Ed25519 keys: the public key the trader registered; requests carry base64 signatures. */
  publicKey?: KeyObject;
  /** "Enable Spot & Margin Trading". */
  trading: boolean;
  /** Trusted IPs; empty = unrestricted. */
  trustedIps: string[];
  withdrawals: boolean;
  createTime: number;
}

/** Binance error body and status. */
export const fail = (status: number, code: number, msg: string): SimResponse => ({ status, json: { code, msg } });
export const mandatory = (name: string) => fail(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

/** A raw `a=1&b=2` string without its `signature` parameter(s), every other byte as sent; and that signature. */
function withoutSignature(raw: string): { rest: string; signature: string | null } {
  let signature: string | null = null;
  const kept = raw.split('&').filter((part) => {
    if (!part.startsWith('signature=')) return true;
    signature ??= safeDecode(part.slice('signature='.length));
    return false;
  });
  return { rest: kept.join('&'), signature };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * The bytes Binance signs (totalParams): the query string exactly as sent, then the request body exactly
 * as sent, each without the `signature` parameter. Nothing is decoded and re-encoded, so a signature over
 * the same parameters encoded differently (`%74rue` for `true`, `%20` for `+`…) does not verify.
 */
function totalParams(req: SimRequest): { payload: string; signature: string | null; where: 'query' | 'body' | null } {
  const query = withoutSignature(req.rawQuery);
  const form = req.rawBody && !(req.headers['content-type'] ?? '').includes('json');
  const body = form ? withoutSignature(req.rawBody) : { rest: req.rawBody, signature: null };
  const signature = query.signature ?? body.signature;
  return { payload: query.rest + body.rest, signature, where: query.signature !== null ? 'query' : body.signature !== null ? 'body' : null };
}

/** All parameters, from the query string and a form body alike. */
export function allParams(req: SimRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  if (req.rawBody && !(req.headers['content-type'] ?? '').includes('json')) for (const [k, v] of req.form()) params.append(k, v);
  return params;
}

export interface AuthContext {
  keys: Map<string, SimKey>;
  callerIp: string;
  now: number;
}

export type AuthResult = { ok: true; key: SimKey; signatureIn: 'query' | 'body' } | { ok: false; response: SimResponse };

function signatureValid(key: SimKey, payload: string, signature: string): boolean {
  if (!key.publicKey) return signature.toLowerCase() === createHmac('sha256', key.secretKey).update(payload).digest('hex');
  const bytes = Buffer.from(signature, 'base64');
  return bytes.length === 64 && verify(null, Buffer.from(payload), key.publicKey, bytes);
}

export type KeyCheck = { ok: true; key: SimKey } | { ok: false; status: number; code: number; msg: string };

const refusedKey = { ok: false, status: 401, code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } as const;

/**
 * The key, IP, timestamp/recvWindow and signature checks every signed call goes through, over REST and over the
 * WebSocket API alike: `payload` is what the client signed, `params` the parameters it sent.
 */
export function checkKeyAndSignature(
  apiKey: string | undefined,
  params: URLSearchParams,
  payload: string,
  signature: string | null,
  auth: AuthContext,
): KeyCheck {
  const no = (status: number, code: number, msg: string): KeyCheck => ({ ok: false, status, code, msg });
  if (!apiKey || !/^[A-Za-z0-9]+$/.test(apiKey)) return no(401, -2014, 'API-key format invalid.');
  const key = auth.keys.get(apiKey);
  if (!key) return refusedKey;
  if (key.trustedIps.length > 0 && !key.trustedIps.includes(auth.callerIp)) return refusedKey;
  const mandatoryParam = (name: string) => no(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
  if (!signature) return mandatoryParam('signature');
  const timestamp = Number(params.get('timestamp'));
  if (!params.get('timestamp') || !Number.isFinite(timestamp)) return mandatoryParam('timestamp');
  const recvWindow = params.has('recvWindow') ? Number(params.get('recvWindow')) : 5000;
  if (!(recvWindow > 0) || recvWindow > 60_000) return no(400, -1131, 'recvWindow must be less than 60000');
  // Binance accepts microsecond timestamps too.
  const ms = timestamp > 1e14 ? timestamp / 1000 : timestamp;
  if (ms >= auth.now + 1000) return no(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
  if (auth.now - ms > recvWindow) return no(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
  if (!signatureValid(key, payload, signature)) return no(400, -1022, 'Signature for this request is not valid.');
  return { ok: true, key };
}

/** API key, IP, timestamp/recvWindow and signature (HMAC or Ed25519) checks of a SIGNED endpoint, answering as Binance does. */
export function checkSigned(req: SimRequest, auth: AuthContext, trading: boolean): AuthResult {
  const no = (response: SimResponse): AuthResult => ({ ok: false, response });
  const { payload, signature, where } = totalParams(req);
  const checked = checkKeyAndSignature(req.headers['x-mbx-apikey'], allParams(req), payload, where ? signature : null, auth);
  if (!checked.ok) return no(fail(checked.status, checked.code, checked.msg));
  if (trading && !checked.key.trading) return no(fail(refusedKey.status, refusedKey.code, refusedKey.msg));
  return { ok: true, key: checked.key, signatureIn: where! };
}
