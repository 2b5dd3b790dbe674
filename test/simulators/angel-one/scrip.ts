/** A small slice of OpenAPIScripMaster.json, in Angel's own shape (every value a string). */
export interface ScripRow {
  token: string;
  symbol: string;
  name: string;
  expiry: string;
  strike: string;
  lotsize: string;
  instrumenttype: string;
  exch_seg: string;
  tick_size: string;
}

function cash(token: string, symbol: string, name: string, exch = 'NSE'): ScripRow {
  return { token, symbol, name, expiry: '', strike: '-1.000000', lotsize: '1', instrumenttype: '', exch_seg: exch, tick_size: '5.000000' };
}

export const SCRIP_MASTER: ScripRow[] = [
  cash('3045', 'SBIN-EQ', 'SBIN'),
  cash('1594', 'INFY-EQ', 'INFY'),
  cash('2885', 'RELIANCE-EQ', 'RELIANCE'),
  cash('11536', 'TCS-EQ', 'TCS'),
  cash('1333', 'HDFCBANK-EQ', 'HDFCBANK'),
  cash('500112', 'SBIN', 'SBIN', 'BSE'),
  {
    token: '99926000',
    symbol: 'Nifty 50',
    name: 'NIFTY',
    expiry: '',
    strike: '0.000000',
    lotsize: '1',
    instrumenttype: 'AMXIDX',
    exch_seg: 'NSE',
    tick_size: '0.000000',
  },
  {
    token: '35001',
    symbol: 'NIFTY27JAN26FUT',
    name: 'NIFTY',
    expiry: '27JAN2026',
    strike: '-1.000000',
    lotsize: '75',
    instrumenttype: 'FUTIDX',
    exch_seg: 'NFO',
    tick_size: '10.000000',
  },
  {
    token: '35002',
    symbol: 'NIFTY27JAN2624000CE',
    name: 'NIFTY',
    expiry: '27JAN2026',
    strike: '2400000.000000',
    lotsize: '75',
    instrumenttype: 'OPTIDX',
    exch_seg: 'NFO',
    tick_size: '5.000000',
  },
];

/** The common symbol the shared SimExchange prices by ("SBIN-EQ" on NSE → "NSE:SBIN"). */
export function simSymbol(row: ScripRow): string {
  const sym = row.exch_seg === 'NSE' ? row.symbol.replace(/-EQ$/, '') : row.symbol;
  return `${row.exch_seg}:${sym.toUpperCase()}`;
}

export function findScrip(exchange: unknown, token: unknown): ScripRow | undefined {
  return SCRIP_MASTER.find((r) => r.exch_seg === exchange && r.token === String(token));
}
