import { BrokerError, type BrokerContext, type Quote } from '../types';
import { ensureAccount, gatewayCall, num } from './client';
import { conidFor } from './contracts';

type Json = Record<string, unknown>;

/** Field ids: 31 last, 84 bid, 86 ask, 7741 prior close (fallback when nothing traded today). */
const FIELDS = '31,84,86,7741';
/** The gateway answers the first snapshot for a conid with no fields (a pre-flight); ask again, then once more after a pause. */
const RETRY_PAUSE_MS = 1_000;

async function snapshot(ctx: BrokerContext, conids: number[]): Promise<Map<number, Json>> {
  const answer = await gatewayCall(
    ctx,
    { method: 'GET', path: '/iserver/marketdata/snapshot', query: { conids: conids.join(','), fields: FIELDS } },
    'read quotes',
  );
  const byConid = new Map<number, Json>();
  for (const item of (Array.isArray(answer) ? answer : []) as Json[]) {
    const conid = num(item.conid);
    if (conid !== null) byConid.set(conid, item);
  }
  return byConid;
}

function toQuote(symbol: string, item: Json | undefined): Quote | null {
  if (!item) return null;
  const last = num(item['31']) ?? num(item['7741']);
  if (last === null) return null;
  return { symbol, last, bid: num(item['84']), ask: num(item['86']), at: num(item._updated) };
}

export async function quotes(ctx: BrokerContext, symbols: string[]): Promise<Quote[]> {
  if (symbols.length === 0) return [];
  await ensureAccount(ctx);
  const conids = new Map<string, number>();
  for (const symbol of symbols) conids.set(symbol, await conidFor(ctx, symbol));
  const result = new Map<string, Quote>();
  for (let attempt = 0; attempt < 3; attempt++) {
    const missing = symbols.filter((s) => !result.has(s));
    if (missing.length === 0) break;
    if (attempt === 2) await new Promise<void>((resolve) => ctx.scheduler.setTimeout(resolve, RETRY_PAUSE_MS));
    const items = await snapshot(ctx, [...new Set(missing.map((s) => conids.get(s)!))]);
    for (const symbol of missing) {
      const quote = toQuote(symbol, items.get(conids.get(symbol)!));
      if (quote) result.set(symbol, quote);
    }
  }
  const without = symbols.filter((s) => !result.has(s));
  if (without.length > 0) {
    throw new BrokerError('BROKER_REJECTED', `IBKR sent no prices for ${without.join(', ')}. Check your IBKR market-data subscriptions for these markets.`);
  }
  return symbols.map((s) => result.get(s)!);
}
