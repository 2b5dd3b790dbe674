import type { BrokerContext, Instrument } from '../types';
import { fyersPublicCsv } from './client';

/** The symbol-master files BrokerVault loads: cash on both exchanges and NSE derivatives. */
export const MASTER_FILES = ['NSE_CM.csv', 'BSE_CM.csv', 'NSE_FO.csv'] as const;

const EXCHANGE_CODES: Record<string, string> = { '10': 'NSE', '11': 'MCX', '12': 'BSE' };
const SEGMENT_CODES: Record<string, string> = { '10': 'CM', '11': 'FO', '12': 'CD', '20': 'COM' };

/** Common exchange of a master row: derivatives get their segment exchange (NFO, BFO, CDS). */
function commonExchange(host: string, segment: string): string {
  if (segment === 'FO') return host === 'BSE' ? 'BFO' : host === 'MCX' ? 'MCX' : 'NFO';
  if (segment === 'CD') return 'CDS';
  return host;
}

/** Common trading symbol of a cash row: NSE drops "-EQ", BSE drops its group suffix ("-A", "-B", "-XT"…). */
function commonBody(host: string, segment: string, body: string): string {
  if (segment !== 'CM') return body;
  if (host === 'NSE') return body.endsWith('-EQ') ? body.slice(0, -3) : body;
  if (host === 'BSE') return body.replace(/-[A-Z]{1,2}$/, '');
  return body;
}

/**
 * Parse one FYERS symbol-master CSV (no header). Columns used: 0 fyToken, 1 description, 3 lot size, 4 tick size,
 * 9 ticker ("NSE:SBIN-EQ"), 10 exchange code (10 NSE, 11 MCX, 12 BSE), 11 segment code (10 CM, 11 FO, 12 CD, 20 COM).
 */
export function parseFyersMaster(csv: string): Instrument[] {
  const out: Instrument[] = [];
  for (const line of csv.split(/\r?\n/)) {
    const cells = line.split(',');
    const ticker = cells[9]?.trim() ?? '';
    const host = EXCHANGE_CODES[cells[10]?.trim() ?? ''];
    const segment = SEGMENT_CODES[cells[11]?.trim() ?? ''];
    if (!ticker.includes(':') || !host || !segment) continue;
    const exchange = commonExchange(host, segment);
    const body = ticker.slice(ticker.indexOf(':') + 1);
    out.push({
      symbol: `${exchange}:${commonBody(host, segment, body)}`,
      exchange,
      brokerSymbol: ticker,
      token: cells[0]?.trim() ?? '',
      name: cells[1]?.trim() ?? '',
      lotSize: Number(cells[3]) || 1,
      tickSize: Number(cells[4]) || 0.05,
      segment: `${host}_${segment}`,
    });
  }
  return out;
}

export async function fetchFyersInstruments(ctx: BrokerContext): Promise<Instrument[]> {
  const files = await Promise.all(MASTER_FILES.map((file) => fyersPublicCsv(ctx, `/sym_details/${file}`)));
  return files.flatMap(parseFyersMaster);
}
