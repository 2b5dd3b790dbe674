import { readCsv } from '../csv';
import { brokerRequest } from '../http';
import { BrokerError, type BrokerContext, type Instrument } from '../types';
import { DHAN_SCRIP_MASTER_HOST, DHAN_SCRIP_MASTER_PATH } from './descriptor';
import { dhanHost } from './hosts';

/** (exchange, SEM_SEGMENT) → Dhan exchangeSegment and the exchange part of our common symbol. */
const SEGMENTS: Record<string, { segment: string; exchange: string }> = {
  'NSE:E': { segment: 'NSE_EQ', exchange: 'NSE' },
  'NSE:D': { segment: 'NSE_FNO', exchange: 'NFO' },
  'NSE:C': { segment: 'NSE_CURRENCY', exchange: 'CDS' },
  'NSE:I': { segment: 'IDX_I', exchange: 'NSE' },
  'BSE:E': { segment: 'BSE_EQ', exchange: 'BSE' },
  'BSE:D': { segment: 'BSE_FNO', exchange: 'BFO' },
  'BSE:C': { segment: 'BSE_CURRENCY', exchange: 'BCD' },
  'BSE:I': { segment: 'IDX_I', exchange: 'BSE' },
  'MCX:M': { segment: 'MCX_COMM', exchange: 'MCX' },
};

/** Parse the compact api-scrip-master.csv. Where a symbol repeats (series), the EQ series wins. */
export function parseScripMaster(csv: string): Instrument[] {
  const { header, rows } = readCsv(csv);
  const col = (name: string) => header.indexOf(name);
  const idx = {
    exch: col('SEM_EXM_EXCH_ID'),
    seg: col('SEM_SEGMENT'),
    id: col('SEM_SMST_SECURITY_ID'),
    type: col('SEM_INSTRUMENT_NAME'),
    symbol: col('SEM_TRADING_SYMBOL'),
    lot: col('SEM_LOT_UNITS'),
    custom: col('SEM_CUSTOM_SYMBOL'),
    tick: col('SEM_TICK_SIZE'),
    series: col('SEM_SERIES'),
    name: col('SM_SYMBOL_NAME'),
    expiry: col('SEM_EXPIRY_DATE'),
  };
  if (idx.exch < 0 || idx.seg < 0 || idx.id < 0 || idx.symbol < 0) {
    throw new BrokerError('BROKER_REJECTED', 'The Dhan scrip master does not have the expected columns.');
  }
  const bySymbol = new Map<string, { instrument: Instrument; eq: boolean }>();
  for (const cells of rows) {
    const cell = (i: number) => (i >= 0 ? (cells[i] ?? '').trim() : '');
    const seg = SEGMENTS[`${cell(idx.exch)}:${cell(idx.seg)}`];
    const tradingSymbol = cell(idx.symbol);
    if (!seg || !tradingSymbol || !cell(idx.id)) continue;
    const symbol = `${seg.exchange}:${tradingSymbol.toUpperCase()}`;
    const eq = cell(idx.series) === 'EQ';
    const existing = bySymbol.get(symbol);
    if (existing && (existing.eq || !eq)) continue;
    bySymbol.set(symbol, {
      eq,
      instrument: {
        symbol,
        exchange: seg.exchange,
        brokerSymbol: tradingSymbol,
        token: cell(idx.id),
        name: cell(idx.name) || cell(idx.custom) || tradingSymbol,
        lotSize: Number(cell(idx.lot)) || 1,
        // SEM_TICK_SIZE is in paise ("5.0000" = ₹0.05), like the exchange masters it comes from.
        tickSize: (Number(cell(idx.tick)) || 5) / 100,
        segment: seg.segment,
        // SEM_EXPIRY_DATE is "2026-01-27 14:30:00" on derivatives: the contract's day (the trading symbol has none).
        ...(/^\d{4}-\d{2}-\d{2}/.test(cell(idx.expiry)) ? { expiry: cell(idx.expiry).slice(0, 10) } : {}),
      },
    });
  }
  return [...bySymbol.values()].map((v) => v.instrument);
}

export async function fetchInstruments(ctx: BrokerContext): Promise<Instrument[]> {
  const res = await brokerRequest(
    { ...ctx, baseUrl: dhanHost(ctx, DHAN_SCRIP_MASTER_HOST) },
    {
      method: 'GET',
      path: DHAN_SCRIP_MASTER_PATH,
      headers: { accept: 'text/csv' },
      timeoutMs: Math.max(ctx.timeoutMs, 120_000),
    },
  );
  if (res.status !== 200 || typeof res.body !== 'string') {
    throw new BrokerError('BROKER_REJECTED', `Dhan's scrip master could not be downloaded (HTTP ${res.status}).`, res.status);
  }
  return parseScripMaster(res.body);
}

export function requireInstrument(ctx: BrokerContext, symbol: string): Instrument {
  const found = ctx.instruments.find(symbol.toUpperCase());
  if (!found) {
    throw new BrokerError('BROKER_REJECTED', `${symbol} is not in the Dhan scrip master. Check the symbol or refresh the instrument list.`);
  }
  return found;
}

/** Our common symbol for a Dhan segment + trading symbol (order book, positions). */
export function commonSymbol(exchangeSegment: unknown, tradingSymbol: unknown): string {
  const seg = Object.values(SEGMENTS).find((s) => s.segment === exchangeSegment && s.segment !== 'IDX_I');
  return `${seg?.exchange ?? String(exchangeSegment ?? '')}:${String(tradingSymbol ?? '').toUpperCase()}`;
}
