import type { BrokerContext, Instrument } from '../types';
import { readCsv } from '../csv';
import { kiteCsv } from './client';

/**
 * Parse Kite's instrument dump (header row: instrument_token, exchange_token, tradingsymbol, name, last_price,
 * expiry, strike, tick_size, lot_size, instrument_type, segment, exchange). Columns are found by name.
 */
export function parseKiteInstruments(csv: string): Instrument[] {
  const { header, rows } = readCsv(csv);
  const col = (name: string) => header.indexOf(name);
  const idx = {
    token: col('instrument_token'),
    symbol: col('tradingsymbol'),
    name: col('name'),
    tick: col('tick_size'),
    lot: col('lot_size'),
    segment: col('segment'),
    exchange: col('exchange'),
    expiry: col('expiry'),
  };
  if (idx.token < 0 || idx.symbol < 0 || idx.exchange < 0) return [];
  const out: Instrument[] = [];
  for (const cells of rows) {
    const exchange = cells[idx.exchange]?.trim() ?? '';
    const tradingsymbol = cells[idx.symbol]?.trim() ?? '';
    if (!exchange || !tradingsymbol) continue;
    out.push({
      symbol: `${exchange}:${tradingsymbol}`,
      exchange,
      brokerSymbol: tradingsymbol,
      token: cells[idx.token]?.trim() ?? '',
      name: cells[idx.name]?.trim() ?? '',
      lotSize: Number(cells[idx.lot]) || 1,
      tickSize: Number(cells[idx.tick]) || 0.05,
      segment: cells[idx.segment]?.trim() ?? exchange,
      ...expiryOf(cells[idx.expiry]),
    });
  }
  return out;
}

/** GET /instruments: the full daily dump for every exchange (CSV, gzip on the wire; fetch decodes it). */
export async function fetchKiteInstruments(ctx: BrokerContext): Promise<Instrument[]> {
  return parseKiteInstruments(await kiteCsv(ctx, '/instruments'));
}

/** Kite writes a derivative's expiry as YYYY-MM-DD and leaves it empty for everything else. */
function expiryOf(cell: string | undefined): { expiry?: string } {
  const value = cell?.trim() ?? '';
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? { expiry: value } : {};
}
