import { REDACTED, TRUNCATED } from '../log/redact';
import type { HttpRequest, HttpResponse } from './http-types';
import { BrokerError, type BrokerContext } from './types';

export type { HttpRequest, HttpResponse } from './http-types';

export function joinUrl(baseUrl: string, path: string): URL {
  const base = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  return new URL(base + (path.startsWith('/') ? path : `/${path}`));
}

function compact(record: Record<string, string | number | boolean | undefined>): [string, string][] {
  return Object.entries(record)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([k, v]) => [k, String(v)]);
}

/**
 * One HTTP call to a broker. Transport failures become NETWORK or TIMEOUT with the host only:
 * the error never carries the URL's query, the headers or the body, which can hold keys and tokens.
 * HTTP error statuses are returned, not thrown: each adapter knows its broker's error bodies.
 */
export async function brokerRequest(ctx: BrokerContext, req: HttpRequest): Promise<HttpResponse> {
  const url = joinUrl(ctx.baseUrl, req.path);
  for (const [k, v] of compact(req.query ?? {})) url.searchParams.append(k, v);
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] ??= 'application/json';
  } else if (req.form !== undefined) {
    body = new URLSearchParams(compact(req.form)).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  await ctx.rateGate(req);
  let response: Response;
  try {
    response = await ctx.fetch(url, {
      method: req.method,
      headers,
      body,
      signal: AbortSignal.timeout(req.timeoutMs ?? ctx.timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new BrokerError('TIMEOUT', `${url.host} did not answer in time. The request may still have reached the broker.`);
    }
    throw new BrokerError('NETWORK', `Could not reach ${url.host}. Check your internet connection and the broker's status.`);
  }
  const text = await response.text();
  let parsed: unknown = text;
  if (text && (response.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

const MAX_BROKER_MESSAGE = 300;

/**
 * Trim a broker's own message to something fit to show (and drop anything that looks like a token).
 * A cut is marked with TRUNCATED, so the secret scrubbing that every broker error passes through
 * (BrokerService) also removes the start of a secret the cut left dangling.
 */
export function brokerMessage(text: unknown, fallback: string): string {
  if (typeof text !== 'string' || !text.trim()) return fallback;
  const trimmed = text.replace(/[A-Za-z0-9._~+/=-]{32,}/g, REDACTED).trim();
  return trimmed.length > MAX_BROKER_MESSAGE ? `${trimmed.slice(0, MAX_BROKER_MESSAGE)}${TRUNCATED}` : trimmed;
}
