import { BrokerError, type BrokerContext } from '../types';

/**
 * Common symbols vs FYERS tickers. FYERS names everything "<NSE|BSE|MCX>:<ticker>": cash equities carry a
 * series suffix ("NSE:SBIN-EQ", "BSE:SBIN-A"), derivatives sit under their cash exchange ("NSE:NIFTY26JANFUT").
 * The common form uses the segment exchange instead: NSE:SBIN, BSE:SBIN, NFO:NIFTY26JANFUT, BFO:…, CDS:…, MCX:….
 */
const SEGMENT_HOST: Record<string, string> = { NSE: 'NSE', BSE: 'BSE', NFO: 'NSE', CDS: 'NSE', BFO: 'BSE', MCX: 'MCX' };
export const DERIVATIVE_EXCHANGES = new Set(['NFO', 'BFO', 'CDS', 'MCX']);

function split(symbol: string): [string, string] {
  const colon = symbol.indexOf(':');
  return [symbol.slice(0, colon).toUpperCase(), symbol.slice(colon + 1).toUpperCase()];
}

/** Common symbol → FYERS ticker: the instrument master first, then the naming rules (BSE cash needs the master). */
export function toFyersSymbol(ctx: BrokerContext, symbol: string): string {
  const known = ctx.instruments.find(symbol);
  if (known) return known.brokerSymbol;
  const [exchange, body] = split(symbol);
  const host = SEGMENT_HOST[exchange];
  if (!host || !body) {
    throw new BrokerError('BROKER_REJECTED', `"${symbol.slice(0, 40)}" is not a FYERS symbol. Use EXCHANGE:SYMBOL, e.g. NSE:SBIN or NFO:NIFTY26JANFUT.`);
  }
  if (exchange === 'NSE' && !body.includes('-')) return `NSE:${body}-EQ`;
  return `${host}:${body}`;
}

/** The common symbol a FYERS ticker most likely stands for, by the naming rules alone. */
export function guessCommonSymbol(ticker: string): string {
  const [host, body] = split(ticker);
  if (host === 'NSE') {
    if (body.endsWith('-EQ')) return `NSE:${body.slice(0, -3)}`;
    return body.includes('-') ? `NSE:${body}` : `NFO:${body}`;
  }
  if (host === 'BSE') return /-[A-Z]{1,2}$/.test(body) ? `BSE:${body.replace(/-[A-Z]{1,2}$/, '')}` : `BFO:${body}`;
  return `${host}:${body}`;
}

/** FYERS ticker → common symbol, confirmed against the instrument master where it has the ticker. */
export function fromFyersSymbol(ctx: BrokerContext, ticker: string): string {
  const [host, body] = split(ticker);
  const candidates = [guessCommonSymbol(ticker), `${host === 'BSE' ? 'BFO' : 'NFO'}:${body}`, `CDS:${body}`, `${host}:${body}`];
  for (const candidate of candidates) {
    if (ctx.instruments.find(candidate)?.brokerSymbol === ticker) return candidate;
  }
  return candidates[0]!;
}

/** FYERS order tags: alphanumeric; kept to 20 characters (documented maximum unconfirmed). */
export function fyersTag(clientOrderId: string): string {
  return clientOrderId.replace(/[^A-Za-z0-9]/g, '').slice(0, 20);
}
