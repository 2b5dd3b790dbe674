import type { BrokerContext } from '../types';
import { fyers } from './client';
import { toFyersSymbol } from './symbols';
import { record } from '../json';

/** The symbol-token call's cap on symbols. */
export const SYMBOLS_PER_TOKEN_CALL = 500;

/** fyToken prefix (exchange + segment) → the HSM segment name in topics. */
const SEGMENTS: Record<string, string> = {
  '1010': 'nse_cm',
  '1011': 'nse_fo',
  '1012': 'cde_fo',
  '1020': 'nse_com',
  '1120': 'mcx_fo',
  '1210': 'bse_cm',
  '1211': 'bse_fo',
  '1212': 'bcs_fo',
};

/**
 * Index topic names: FYERS streams an index as `if|<segment>|<name>`, the name taken from the SDK's own index table
 * (HSM/mapper.js `index_dict` in fyers-api-v3), not from its fyToken. The indices traders watch most; others are
 * skipped as unsupported until they are added here.
 */
const INDEX_NAMES: Readonly<Record<string, string>> = {
  'NSE:NIFTY50-INDEX': 'Nifty 50',
  'NSE:NIFTYBANK-INDEX': 'Nifty Bank',
  'NSE:FINNIFTY-INDEX': 'Nifty Fin Service',
  'NSE:MIDCPNIFTY-INDEX': 'NIFTY MID SELECT',
  'NSE:INDIAVIX-INDEX': 'India VIX',
  'BSE:SENSEX-INDEX': 'SENSEX',
  'BSE:BANKEX-INDEX': 'BANKEX',
};

/** `sf|nse_cm|3045` from a fyToken ("10100000003045": segment code, then the HSM token from position 10); null if unknown. */
export function scripTopic(fyToken: string): string | null {
  const segment = SEGMENTS[fyToken.slice(0, 4)];
  if (!segment || !/^\d{11,}$/.test(fyToken)) return null;
  return `sf|${segment}|${fyToken.slice(10)}`;
}

export const isIndexTicker = (ticker: string) => ticker.endsWith('-INDEX');

/** `if|nse_cm|Nifty 50` for a known index ticker; null for an index the table does not name. */
export function indexTopic(ticker: string): string | null {
  const name = INDEX_NAMES[ticker];
  if (!name) return null;
  return `if|${ticker.startsWith('BSE:') ? 'bse_cm' : 'nse_cm'}|${name}`;
}

/** The connection's runtime memo keeps each ticker's topic: fyTokens do not change while the app runs. */
const memoKey = (ticker: string) => `fyers.hsmTopic.${ticker}`;

/**
 * What can be known about a common symbol's topic without the network: the topic (an index, or a ticker resolved
 * before on this connection), the FYERS ticker still to resolve, or null when it cannot stream (not a FYERS symbol,
 * or an index the table does not name: a `sf|` topic for one would make the server refuse the whole request).
 */
export function knownTopic(ctx: BrokerContext, symbol: string): { topic: string } | { ticker: string } | null {
  let ticker: string;
  try {
    ticker = toFyersSymbol(ctx, symbol);
  } catch {
    return null;
  }
  if (isIndexTicker(ticker)) {
    const topic = indexTopic(ticker);
    return topic === null ? null : { topic };
  }
  const known = ctx.memo.get(memoKey(ticker));
  return typeof known === 'string' ? { topic: known } : { ticker };
}

/**
 * POST /data/symbol-token (at most 500 tickers) through the adapter's HTTP path, rate gate included: ticker → topic,
 * null for one FYERS has no token for. Resolved topics go into the connection's memo, so a reconnect needs no call.
 */
export async function fetchScripTopics(ctx: BrokerContext, tickers: readonly string[]): Promise<Map<string, string | null>> {
  const body = await fyers(ctx, { kind: 'read', method: 'POST', path: '/data/symbol-token', json: { symbols: tickers } });
  const valid = record(body.validSymbol);
  const out = new Map<string, string | null>();
  for (const ticker of tickers) {
    const fyToken = valid[ticker];
    const topic = typeof fyToken === 'string' ? scripTopic(fyToken) : null;
    if (topic !== null) ctx.memo.set(memoKey(ticker), topic);
    out.set(ticker, topic);
  }
  return out;
}
