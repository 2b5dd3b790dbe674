import { brokerRequest } from '../http';
import { BrokerError, type BrokerContext, type Instrument } from '../types';
import { ANGEL_LIVE_URL, ANGEL_SCRIP_MASTER_HOST, ANGEL_SCRIP_MASTER_PATH } from './descriptor';

/** One row of OpenAPIScripMaster.json (every value a string). */
interface ScripRow {
  token?: string;
  symbol?: string;
  name?: string;
  lotsize?: string;
  instrumenttype?: string;
  exch_seg?: string;
  tick_size?: string;
}

/**
 * Common symbol for an Angel trading symbol: NSE cash scrips drop Angel's "-EQ" series suffix
 * ("SBIN-EQ" → "NSE:SBIN"); everything else keeps the exchange's own symbol.
 */
export function commonSymbol(exchange: string, tradingSymbol: string): string {
  const ex = exchange.toUpperCase();
  const sym = ex === 'NSE' ? tradingSymbol.replace(/-EQ$/i, '') : tradingSymbol;
  return `${ex}:${sym.toUpperCase()}`;
}

/** Where the scrip master lives: its own host in production, the same base URL under an override (simulator). */
function scripMasterBase(ctx: BrokerContext): string {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  return base === ANGEL_LIVE_URL ? ANGEL_SCRIP_MASTER_HOST : base;
}

export function parseScripMaster(rows: unknown): Instrument[] {
  if (!Array.isArray(rows)) throw new BrokerError('BROKER_REJECTED', 'The Angel One scrip master is not a JSON list.');
  const out: Instrument[] = [];
  for (const row of rows as ScripRow[]) {
    if (!row?.token || !row.symbol || !row.exch_seg) continue;
    out.push({
      symbol: commonSymbol(row.exch_seg, row.symbol),
      exchange: row.exch_seg.toUpperCase(),
      brokerSymbol: row.symbol,
      token: row.token,
      name: row.name ?? row.symbol,
      lotSize: Number(row.lotsize) || 1,
      // tick_size is in paise ("5.000000" = ₹0.05).
      tickSize: (Number(row.tick_size) || 5) / 100,
      segment: row.instrumenttype || 'EQ',
    });
  }
  return out;
}

export async function fetchInstruments(ctx: BrokerContext): Promise<Instrument[]> {
  // The file is tens of MB: allow it more time than an API call.
  const res = await brokerRequest(
    { ...ctx, baseUrl: scripMasterBase(ctx) },
    {
      method: 'GET',
      path: ANGEL_SCRIP_MASTER_PATH,
      timeoutMs: Math.max(ctx.timeoutMs, 120_000),
    },
  );
  if (res.status !== 200) throw new BrokerError('BROKER_REJECTED', `Angel One's scrip master could not be downloaded (HTTP ${res.status}).`, res.status);
  let rows = res.body;
  if (typeof rows === 'string') {
    try {
      rows = JSON.parse(rows) as unknown;
    } catch {
      throw new BrokerError('BROKER_REJECTED', 'The Angel One scrip master is not valid JSON.');
    }
  }
  return parseScripMaster(rows);
}

/** The instrument for a common symbol, or a clear error telling the user to refresh the list. */
export function requireInstrument(ctx: BrokerContext, symbol: string): Instrument {
  const found = ctx.instruments.find(symbol.toUpperCase());
  if (!found) {
    throw new BrokerError('BROKER_REJECTED', `${symbol} is not in the Angel One scrip master. Check the symbol or refresh the instrument list.`);
  }
  return found;
}
