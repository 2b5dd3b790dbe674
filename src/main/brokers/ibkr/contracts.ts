import { BrokerError, type BrokerContext, type Instrument } from '../types';
import { gatewayCall, str } from './client';

/**
 * Common symbols and IBKR contract ids (conids). `US:AAPL` is looked up with the contract search and
 * cached in ctx.memo both ways; `IBKR:265598` names a conid directly (used for positions in contracts
 * we have no common symbol for).
 */
const US_EXCHANGES = /^(NASDAQ|NYSE|ARCA|AMEX|BATS|IEX|PINK|NYSE ?AMERICAN|CBOE|BYX|BEX|NMS)/i;

function conidCache(ctx: BrokerContext): Map<string, number> {
  let cache = ctx.memo.get('ibkr:conids') as Map<string, number> | undefined;
  if (!cache) ctx.memo.set('ibkr:conids', (cache = new Map()));
  return cache;
}

function symbolCache(ctx: BrokerContext): Map<number, string> {
  let cache = ctx.memo.get('ibkr:symbols') as Map<number, string> | undefined;
  if (!cache) ctx.memo.set('ibkr:symbols', (cache = new Map()));
  return cache;
}

function remember(ctx: BrokerContext, symbol: string, conid: number): number {
  conidCache(ctx).set(symbol, conid);
  symbolCache(ctx).set(conid, symbol);
  return conid;
}

interface SearchHit {
  conid?: unknown;
  symbol?: unknown;
  description?: unknown;
  sections?: { secType?: unknown }[];
}

export async function conidFor(ctx: BrokerContext, symbol: string): Promise<number> {
  const cached = conidCache(ctx).get(symbol);
  if (cached !== undefined) return cached;
  const [exchange, ticker] = symbol.split(':') as [string, string | undefined];
  if (exchange === 'IBKR' && ticker && /^\d+$/.test(ticker)) return remember(ctx, symbol, Number(ticker));
  const fromMaster = ctx.instruments.find(symbol);
  if (fromMaster && /^\d+$/.test(fromMaster.token)) return remember(ctx, symbol, Number(fromMaster.token));
  if (exchange !== 'US' || !ticker) {
    throw new BrokerError('BROKER_REJECTED', `${symbol} is not a symbol BrokerVault can trade at IBKR yet: use US:<ticker> for US stocks.`);
  }
  const hits = await gatewayCall(ctx, { method: 'GET', path: '/iserver/secdef/search', query: { symbol: ticker, secType: 'STK' } }, `look up ${symbol}`);
  const list = (Array.isArray(hits) ? hits : []) as SearchHit[];
  const stocks = list.filter((h) => str(h.symbol)?.toUpperCase() === ticker.toUpperCase() && (h.sections ?? []).some((s) => s.secType === 'STK'));
  const best = stocks.find((h) => US_EXCHANGES.test(str(h.description) ?? '')) ?? stocks[0];
  const conid = Number(str(best?.conid));
  if (!best || !Number.isInteger(conid) || conid <= 0) {
    throw new BrokerError('BROKER_REJECTED', `IBKR has no US stock ${ticker}. Check the symbol.`);
  }
  return remember(ctx, symbol, conid);
}

/**
 * Live symbol search for the trading console (IBKR has no instrument master): `GET /iserver/secdef/search`
 * for stocks, keeping one US listing per ticker as `US:<ticker>` (token = conid). Found conids are cached in
 * ctx.memo like conidFor's, so a later order or quote for the symbol needs no second lookup.
 */
export async function searchContracts(ctx: BrokerContext, query: string, limit: number): Promise<Instrument[]> {
  const text = query.trim().replace(/^US:/i, '').toUpperCase();
  if (!text || limit <= 0) return [];
  let hits: unknown;
  try {
    hits = await gatewayCall(ctx, { method: 'GET', path: '/iserver/secdef/search', query: { symbol: text, secType: 'STK' } }, `search for ${text}`);
  } catch (error) {
    // Some gateway versions answer an unknown symbol with an error status instead of {"error": "No symbol found"}.
    if (error instanceof BrokerError && error.code === 'BROKER_REJECTED' && /no symbol found/i.test(error.message)) return [];
    throw error;
  }
  const list = (Array.isArray(hits) ? hits : []) as (SearchHit & { companyName?: unknown })[];
  const out: Instrument[] = [];
  const seen = new Set<string>();
  for (const hit of list) {
    const ticker = str(hit.symbol)?.toUpperCase();
    const exchange = str(hit.description) ?? '';
    const conid = Number(str(hit.conid));
    if (!ticker || !/^[A-Z0-9.]{1,12}$/.test(ticker) || !US_EXCHANGES.test(exchange) || !Number.isInteger(conid) || conid <= 0) continue;
    if (!(hit.sections ?? []).some((s) => s.secType === 'STK')) continue;
    const symbol = `US:${ticker}`;
    if (seen.has(symbol)) continue;
    seen.add(symbol);
    remember(ctx, symbol, conid);
    out.push({
      symbol,
      exchange,
      brokerSymbol: ticker,
      token: String(conid),
      name: str(hit.companyName) ?? ticker,
      lotSize: 1,
      tickSize: 0.01,
      segment: 'STK',
    });
    if (out.length >= limit) break;
  }
  return out;
}

/** The common symbol for a conid: the one we looked up, else `US:<ticker>` for US stocks, else `IBKR:<conid>`. */
export function symbolFor(ctx: BrokerContext, conid: number, ticker?: string | null, usStock = false): string {
  const known = symbolCache(ctx).get(conid);
  if (known) return known;
  if (ticker && usStock) {
    remember(ctx, `US:${ticker}`, conid);
    return `US:${ticker}`;
  }
  return `IBKR:${conid}`;
}
