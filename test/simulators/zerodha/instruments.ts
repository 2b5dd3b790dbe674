import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The simulator's instrument dump: Zerodha's own sample rows (fixtures/instruments_nse.csv) plus the
 * liquid names tests trade, with their real instrument tokens.
 */
const EXTRA_ROWS = [
  '408065,1594,INFY,INFOSYS,0.0,,0.0,0.05,1,EQ,NSE,NSE',
  '779521,3045,SBIN,STATE BANK OF INDIA,0.0,,0.0,0.05,1,EQ,NSE,NSE',
  '738561,2885,RELIANCE,RELIANCE INDUSTRIES,0.0,,0.0,0.05,1,EQ,NSE,NSE',
  '2953217,11536,TCS,TATA CONSULTANCY SERV LT,0.0,,0.0,0.05,1,EQ,NSE,NSE',
  '128028676,500112,SBIN,STATE BANK OF INDIA,0.0,,0.0,0.05,1,EQ,BSE,BSE',
  '13368834,52222,NIFTY26JANFUT,"NIFTY",0.0,2026-01-27,0.0,0.1,75,FUT,NFO-FUT,NFO',
  // For the ticker: an index (segment 9, not tradable) and a BSE currency future (segment 6, prices ÷10 000).
  '256265,1001,NIFTY 50,NIFTY 50,0.0,,0.0,0.0,0,EQ,INDICES,NSE',
  '733446,2865,USDINR26JANFUT,USDINR,0.0,2026-01-28,0.0,0.0025,1,FUT,BCD-FUT,BCD',
];

export const INSTRUMENTS_CSV = (() => {
  const fixture = readFileSync(fileURLToPath(new URL('./fixtures/instruments_nse.csv', import.meta.url)), 'utf8').trimEnd();
  return `${fixture}\n${EXTRA_ROWS.join('\n')}\n`;
})();

export interface SimInstrument {
  token: number;
  tradingsymbol: string;
  exchange: string;
  segment: string;
  /** 0 for indices, which have no tick size. */
  tickSize: number;
}

/** "EXCHANGE:TRADINGSYMBOL" → instrument, parsed once from the CSV above. */
export const INSTRUMENTS: ReadonlyMap<string, SimInstrument> = (() => {
  const map = new Map<string, SimInstrument>();
  for (const line of INSTRUMENTS_CSV.split('\n').slice(1)) {
    if (!line) continue;
    const cells = line.split(',');
    const exchange = cells[11] ?? '';
    const tradingsymbol = cells[2] ?? '';
    map.set(`${exchange}:${tradingsymbol}`, { token: Number(cells[0]), tradingsymbol, exchange, segment: cells[10] ?? '', tickSize: Number(cells[7]) || 0 });
  }
  return map;
})();

/** instrument_token → "EXCHANGE:TRADINGSYMBOL", for the ticker. */
export const SYMBOL_BY_TOKEN: ReadonlyMap<number, string> = new Map([...INSTRUMENTS].map(([key, i]) => [i.token, key]));

/** The dump for one exchange (GET /instruments/{exchange}). */
export function instrumentsCsvFor(exchange: string): string {
  const [header, ...rows] = INSTRUMENTS_CSV.trimEnd().split('\n');
  return [header, ...rows.filter((r) => r.endsWith(`,${exchange}`))].join('\n') + '\n';
}
