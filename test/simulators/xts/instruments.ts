/** The simulator's small instrument master, in XTS's `|`-separated row format. */
export interface SimInstrument {
  /** Common symbol, which also keys the shared price path. */
  symbol: string;
  segment: 'NSECM' | 'BSECM' | 'NSEFO' | 'MCXFO';
  id: number;
  name: string;
  /** Cash: the series; derivatives: the trading symbol (Description column). */
  series: string;
  description: string;
  lotSize: number;
  tickSize: number;
  isin?: string;
}

export const SIM_INSTRUMENTS: SimInstrument[] = [
  { symbol: 'NSE:INFY', segment: 'NSECM', id: 1594, name: 'INFY', series: 'EQ', description: 'INFY-EQ', lotSize: 1, tickSize: 0.1, isin: 'INE009A01021' },
  {
    symbol: 'NSE:RELIANCE',
    segment: 'NSECM',
    id: 2885,
    name: 'RELIANCE',
    series: 'EQ',
    description: 'RELIANCE-EQ',
    lotSize: 1,
    tickSize: 0.1,
    isin: 'INE002A01018',
  },
  { symbol: 'NSE:SBIN', segment: 'NSECM', id: 3045, name: 'SBIN', series: 'EQ', description: 'SBIN-EQ', lotSize: 1, tickSize: 0.05, isin: 'INE062A01020' },
  { symbol: 'NSE:TCS', segment: 'NSECM', id: 11536, name: 'TCS', series: 'EQ', description: 'TCS-EQ', lotSize: 1, tickSize: 0.1, isin: 'INE467B01029' },
  {
    symbol: 'NSE:GOLDBEES-BE',
    segment: 'NSECM',
    id: 14428,
    name: 'GOLDBEES',
    series: 'BE',
    description: 'GOLDBEES-BE',
    lotSize: 1,
    tickSize: 0.01,
    isin: 'INF204KB17I5',
  },
  {
    symbol: 'BSE:RELIANCE',
    segment: 'BSECM',
    id: 500325,
    name: 'RELIANCE',
    series: 'A',
    description: 'RELIANCE',
    lotSize: 1,
    tickSize: 0.05,
    isin: 'INE002A01018',
  },
  { symbol: 'NFO:NIFTY26JANFUT', segment: 'NSEFO', id: 35001, name: 'NIFTY', series: 'FUTIDX', description: 'NIFTY26JANFUT', lotSize: 75, tickSize: 0.1 },
  {
    symbol: 'NFO:NIFTY26JAN24000CE',
    segment: 'NSEFO',
    id: 40001,
    name: 'NIFTY',
    series: 'OPTIDX',
    description: 'NIFTY26JAN24000CE',
    lotSize: 75,
    tickSize: 0.05,
  },
  {
    symbol: 'MCX:CRUDEOIL26JANFUT',
    segment: 'MCXFO',
    id: 440001,
    name: 'CRUDEOIL',
    series: 'FUTCOM',
    description: 'CRUDEOIL26JANFUT',
    lotSize: 100,
    tickSize: 1,
  },
];

/** Market-data numeric segment codes. */
export const SEGMENT_CODES: Record<string, number> = { NSECM: 1, NSEFO: 2, NSECD: 3, BSECM: 11, BSEFO: 12, MCXFO: 51 };

export function findInstrument(segment: string | number, id: number): SimInstrument | undefined {
  const name = typeof segment === 'number' ? Object.keys(SEGMENT_CODES).find((k) => SEGMENT_CODES[k] === segment) : segment;
  return SIM_INSTRUMENTS.find((i) => i.segment === name && i.id === id);
}

export function instrumentBySymbol(symbol: string): SimInstrument | undefined {
  return SIM_INSTRUMENTS.find((i) => i.symbol === symbol);
}

function masterRow(i: SimInstrument, price: number): string {
  const band = (f: number) => (Math.round(price * f * 20) / 20).toFixed(2);
  const common = [i.segment, i.id, i.segment.endsWith('CM') ? 8 : i.series.startsWith('OPT') ? 2 : 1, i.name];
  if (i.segment.endsWith('CM')) {
    // …|Description|Series|NameWithSeries|InstrumentID|PriceBand.High|PriceBand.Low|FreezeQty|TickSize|LotSize|Multiplier|DisplayName|ISIN|PriceNumerator|PriceDenominator|DetailedDescription|ExtendedSurvIndicator|CautionIndicator|GSMIndicator
    return [
      ...common,
      i.description,
      i.series,
      `${i.name}-${i.series}`,
      1100100000000 + i.id,
      band(1.2),
      band(0.8),
      100001,
      i.tickSize,
      i.lotSize,
      1,
      i.name,
      i.isin ?? '',
      1,
      1,
      `${i.name}-${i.series}`,
      0,
      0,
      0,
    ].join('|');
  }
  const option = i.description.endsWith('CE') ? 3 : i.description.endsWith('PE') ? 4 : 1;
  const strike = option === 1 ? '' : (/(\d+)(CE|PE)$/.exec(i.description)?.[1] ?? '');
  // …|UnderlyingInstrumentId|UnderlyingIndexName|ContractExpiration|StrikePrice|OptionType|DisplayName|PriceNumerator|PriceDenominator|DetailedDescription
  return [
    ...common,
    i.description,
    i.series,
    `${i.name}-${i.series}`,
    2000000 + i.id,
    band(1.1),
    band(0.9),
    1800,
    i.tickSize,
    i.lotSize,
    1,
    -1,
    i.name === 'NIFTY' ? 'Nifty 50' : '',
    '2026-01-27T14:30:00',
    strike,
    option,
    `${i.name} 27JAN2026 ${option === 1 ? 'FUT' : `${option === 3 ? 'CE' : 'PE'} ${strike}`}`,
    1,
    1,
    i.description,
  ].join('|');
}

/** `result` of `POST /apimarketdata/instruments/master`: one string, rows joined by "\n". */
export function masterText(segments: string[], priceOf: (symbol: string) => number): string {
  return SIM_INSTRUMENTS.filter((i) => segments.includes(i.segment))
    .map((i) => masterRow(i, priceOf(i.symbol)))
    .join('\n');
}
