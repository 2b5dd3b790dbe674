import type { BrokerContext, Instrument } from '../types';
import { kiteCsv } from './client';

/** Split one CSV line, honouring double-quoted fields (instrument names may contain commas). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/**
 * Parse Kite's instrument dump (header row: instrument_token, exchange_token, tradingsymbol, name, last_price,
 * expiry, strike, tick_size, lot_size, instrument_type, segment, exchange). Columns are found by name.
 */
export function parseKiteInstruments(csv: string): Instrument[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitCsvLine(lines.shift() ?? '').map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const idx = {
    token: col('instrument_token'),
    symbol: col('tradingsymbol'),
    name: col('name'),
    tick: col('tick_size'),
    lot: col('lot_size'),
    segment: col('segment'),
    exchange: col('exchange'),
  };
  if (idx.token < 0 || idx.symbol < 0 || idx.exchange < 0) return [];
  const out: Instrument[] = [];
  for (const line of lines) {
    const cells = splitCsvLine(line);
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
    });
  }
  return out;
}

/** GET /instruments: the full daily dump for every exchange (CSV, gzip on the wire; fetch decodes it). */
export async function fetchKiteInstruments(ctx: BrokerContext): Promise<Instrument[]> {
  return parseKiteInstruments(await kiteCsv(ctx, '/instruments'));
}
