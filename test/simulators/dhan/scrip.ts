/** A slice of Dhan's compact api-scrip-master.csv, with Dhan's own columns. */
export const SCRIP_HEADER =
  'SEM_EXM_EXCH_ID,SEM_SEGMENT,SEM_SMST_SECURITY_ID,SEM_INSTRUMENT_NAME,SEM_EXPIRY_CODE,SEM_TRADING_SYMBOL,SEM_LOT_UNITS,' +
  'SEM_CUSTOM_SYMBOL,SEM_EXPIRY_DATE,SEM_STRIKE_PRICE,SEM_OPTION_TYPE,SEM_TICK_SIZE,SEM_EXPIRY_FLAG,SEM_EXCH_INSTRUMENT_TYPE,' +
  'SEM_SERIES,SM_SYMBOL_NAME';

export interface SimScrip {
  exchangeSegment: string;
  securityId: string;
  tradingSymbol: string;
  /** The common symbol the shared SimExchange prices by. */
  symbol: string;
}

const ROWS = [
  'NSE,E,1333,EQUITY,0,HDFCBANK,1.0,HDFC Bank,,0.00000,XX,10.0000,NA,ES,EQ,HDFC BANK LTD',
  'NSE,E,1594,EQUITY,0,INFY,1.0,Infosys,,0.00000,XX,10.0000,NA,ES,EQ,INFOSYS LIMITED',
  'NSE,E,2885,EQUITY,0,RELIANCE,1.0,Reliance Industries,,0.00000,XX,10.0000,NA,ES,EQ,RELIANCE INDUSTRIES LTD',
  'NSE,E,3045,EQUITY,0,SBIN,1.0,State Bank of India,,0.00000,XX,5.0000,NA,ES,EQ,STATE BANK OF INDIA',
  'NSE,E,11536,EQUITY,0,TCS,1.0,TCS,,0.00000,XX,10.0000,NA,ES,EQ,TATA CONSULTANCY SERV LT',
  'NSE,E,4963,EQUITY,0,ICICIBANK,1.0,ICICI Bank,,0.00000,XX,10.0000,NA,ES,EQ,"ICICI BANK, LTD."',
  'BSE,E,500112,EQUITY,0,SBIN,1.0,State Bank of India,,0.00000,XX,5.0000,NA,ES,A,STATE BANK OF INDIA',
  'NSE,I,13,INDEX,0,NIFTY,1.0,Nifty 50,,0.00000,XX,5.0000,NA,INDEX,NA,Nifty 50',
  'NSE,D,35001,FUTIDX,0,NIFTY-Jan2026-FUT,75.0,NIFTY JAN FUT,2026-01-27 14:30:00,-0.01000,XX,10.0000,M,FUTIDX,NA,NIFTY',
];

export const SCRIP_CSV = [SCRIP_HEADER, ...ROWS].join('\n') + '\n';

const SEGMENT: Record<string, [string, string]> = {
  'NSE:E': ['NSE_EQ', 'NSE'],
  'BSE:E': ['BSE_EQ', 'BSE'],
  'NSE:D': ['NSE_FNO', 'NFO'],
  'NSE:I': ['IDX_I', 'NSE'],
};

export const SCRIPS: SimScrip[] = ROWS.map((row) => {
  const [exch, seg, id, , , symbol] = row.split(',');
  const [exchangeSegment, prefix] = SEGMENT[`${exch}:${seg}`]!;
  return { exchangeSegment, securityId: id!, tradingSymbol: symbol!, symbol: `${prefix}:${symbol!.toUpperCase()}` };
});

export function findScrip(exchangeSegment: unknown, securityId: unknown): SimScrip | undefined {
  return SCRIPS.find((s) => s.exchangeSegment === exchangeSegment && s.securityId === String(securityId));
}
