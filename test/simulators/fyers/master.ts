/**
 * The simulator's symbol master: real FYERS tickers and tokens for the names tests use, in FYERS' 21-column
 * header-less CSV layout, served at public.fyers.in's paths (/sym_details/<EXCHANGE>_<SEGMENT>.csv).
 */
export interface MasterRow {
  file: 'NSE_CM.csv' | 'BSE_CM.csv' | 'NSE_FO.csv';
  ticker: string;
  /** The common symbol the shared price path is keyed by. */
  common: string;
  name: string;
  exchangeCode: number;
  segmentCode: number;
  scripCode: string;
  underlying: string;
  instrumentType: number;
  lot: number;
  tick: number;
  expiry: string;
}

const cash = (file: 'NSE_CM.csv' | 'BSE_CM.csv', ticker: string, common: string, name: string, scripCode: string, underlying: string): MasterRow => ({
  file,
  ticker,
  common,
  name,
  exchangeCode: file === 'NSE_CM.csv' ? 10 : 12,
  segmentCode: 10,
  scripCode,
  underlying,
  instrumentType: 0,
  lot: 1,
  tick: 0.05,
  expiry: '',
});

const future = (ticker: string, common: string, name: string, scripCode: string, underlying: string, lot: number): MasterRow => ({
  file: 'NSE_FO.csv',
  ticker,
  common,
  name,
  exchangeCode: 10,
  segmentCode: 11,
  scripCode,
  underlying,
  instrumentType: 11,
  lot,
  tick: 0.1,
  expiry: '1769508000',
});

export const MASTER: readonly MasterRow[] = [
  cash('NSE_CM.csv', 'NSE:SBIN-EQ', 'NSE:SBIN', 'STATE BANK OF INDIA', '3045', 'SBIN'),
  cash('NSE_CM.csv', 'NSE:INFY-EQ', 'NSE:INFY', 'INFOSYS LIMITED', '1594', 'INFY'),
  cash('NSE_CM.csv', 'NSE:RELIANCE-EQ', 'NSE:RELIANCE', 'RELIANCE INDUSTRIES LTD', '2885', 'RELIANCE'),
  cash('NSE_CM.csv', 'NSE:TCS-EQ', 'NSE:TCS', 'TATA CONSULTANCY SERV LT', '11536', 'TCS'),
  cash('NSE_CM.csv', 'NSE:HUDCO-N8', 'NSE:HUDCO-N8', '7.64% TAX FREETRI SR2B', '19928', 'HUDCO'),
  cash('BSE_CM.csv', 'BSE:SBIN-A', 'BSE:SBIN', 'STATE BANK OF INDIA', '500112', 'SBIN'),
  cash('BSE_CM.csv', 'BSE:RELIANCE-A', 'BSE:RELIANCE', 'RELIANCE INDUSTRIES LTD.', '500325', 'RELIANCE'),
  future('NSE:NIFTY26JANFUT', 'NFO:NIFTY26JANFUT', 'NIFTY 26 Jan 27 FUT', '35001', 'NIFTY', 75),
  future('NSE:BAJAJ-AUTO26JANFUT', 'NFO:BAJAJ-AUTO26JANFUT', 'BAJAJ-AUTO 26 Jan 27 FUT', '35002', 'BAJAJ-AUTO', 75),
];

/** fyToken: exchange and segment code, six zeros, then the exchange token ("10100000003045", "1210000000500112"). */
export function fyToken(row: MasterRow): string {
  return `${row.exchangeCode}${row.segmentCode}000000${row.scripCode}`;
}

/** The HSM segment names of the simulator's exchange/segment codes (scrip topics are `sf|<segment>|<token>`). */
export const HSM_SEGMENTS: Record<string, string> = { '1010': 'nse_cm', '1011': 'nse_fo', '1210': 'bse_cm' };

export function scripTopicOf(row: MasterRow): string {
  return `sf|${HSM_SEGMENTS[`${row.exchangeCode}${row.segmentCode}`]}|${row.scripCode}`;
}

export const BY_TOPIC: ReadonlyMap<string, MasterRow> = new Map(MASTER.map((r) => [scripTopicOf(r), r]));

export const BY_TICKER: ReadonlyMap<string, MasterRow> = new Map(MASTER.map((r) => [r.ticker, r]));

export function masterCsv(file: string): string | null {
  const rows = MASTER.filter((r) => r.file === file);
  if (!rows.length) return null;
  return (
    rows
      .map((r) =>
        [
          fyToken(r),
          r.name,
          r.instrumentType,
          r.lot,
          r.tick,
          r.segmentCode === 10 ? 'INE000A01020' : '',
          '0915-1530|1815-1915:',
          '2026-01-05',
          r.expiry,
          r.ticker,
          r.exchangeCode,
          r.segmentCode,
          r.scripCode,
          r.underlying,
          r.scripCode,
          '-1.0',
          'XX',
          fyToken(r),
          'None',
          'None',
          '0.0',
        ].join(','),
      )
      .join('\n') + '\n'
  );
}

/** Indices the data socket streams: `if|` topics named as FYERS' SDK names them (not from the fyToken). */
export interface IndexRow {
  ticker: string;
  /** The common symbol the shared price path is keyed by. */
  common: string;
  topic: string;
  fyToken: string;
}

export const INDICES: readonly IndexRow[] = [
  { ticker: 'NSE:NIFTY50-INDEX', common: 'NSE:NIFTY50-INDEX', topic: 'if|nse_cm|Nifty 50', fyToken: '101000000026000' },
  { ticker: 'NSE:NIFTYBANK-INDEX', common: 'NSE:NIFTYBANK-INDEX', topic: 'if|nse_cm|Nifty Bank', fyToken: '101000000026009' },
  { ticker: 'BSE:SENSEX-INDEX', common: 'BSE:SENSEX-INDEX', topic: 'if|bse_cm|SENSEX', fyToken: '121000000001' },
];

export const INDEX_BY_TICKER: ReadonlyMap<string, IndexRow> = new Map(INDICES.map((r) => [r.ticker, r]));
export const INDEX_BY_TOPIC: ReadonlyMap<string, IndexRow> = new Map(INDICES.map((r) => [r.topic, r]));
