import { BrokerError, type BrokerContext, type Instrument } from '../types';
import { xtsCall, type XtsProfile } from './client';
import { EXCHANGE_TO_SEGMENT, MASTER_SEGMENTS, SEGMENT_TO_EXCHANGE } from './config';

/**
 * XTS instrument master rows are `|`-separated. Cash segments (NSECM, BSECM):
 *   ExchangeSegment|ExchangeInstrumentID|InstrumentType|Name|Description|Series|NameWithSeries|InstrumentID|
 *   PriceBand.High|PriceBand.Low|FreezeQty|TickSize|LotSize|Multiplier|DisplayName|ISIN|…
 * Derivatives share the first 14 columns, then UnderlyingInstrumentId|UnderlyingIndexName|ContractExpiration|
 * StrikePrice|OptionType|DisplayName|…; their Description is the trading symbol (e.g. NIFTY26JAN24000CE).
 */
const COL = { segment: 0, id: 1, name: 3, description: 4, series: 5, nameWithSeries: 6, tickSize: 11, lotSize: 12, contractExpiration: 16 } as const;
const CASH_SEGMENTS = new Set(['NSECM', 'BSECM']);

function positiveNumber(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Our common symbol for a master row: NSE:INFY (EQ series), NSE:NAME-SERIES otherwise, NFO:<trading symbol>. */
function commonSymbol(segment: string, exchange: string, cols: string[]): string {
  const name = (cols[COL.name] ?? '').trim().toUpperCase();
  if (!CASH_SEGMENTS.has(segment)) return `${exchange}:${(cols[COL.description] ?? '').trim().toUpperCase()}`;
  const series = (cols[COL.series] ?? '').trim().toUpperCase();
  return segment === 'NSECM' && series && series !== 'EQ' ? `${exchange}:${name}-${series}` : `${exchange}:${name}`;
}

export function parseMaster(text: string): Instrument[] {
  const out: Instrument[] = [];
  for (const line of text.split('\n')) {
    const cols = line.replace(/\r$/, '').split('|');
    const segment = (cols[COL.segment] ?? '').trim();
    const exchange = SEGMENT_TO_EXCHANGE[segment];
    const id = (cols[COL.id] ?? '').trim();
    if (!exchange || !/^\d+$/.test(id) || cols.length < 14) continue;
    const symbol = commonSymbol(segment, exchange, cols);
    if (symbol.endsWith(':')) continue;
    out.push({
      symbol,
      exchange,
      brokerSymbol: CASH_SEGMENTS.has(segment) ? (cols[COL.nameWithSeries] ?? '').trim() : (cols[COL.description] ?? '').trim(),
      token: id,
      name: (cols[COL.name] ?? '').trim(),
      lotSize: positiveNumber(cols[COL.lotSize], 1),
      tickSize: positiveNumber(cols[COL.tickSize], 0.05),
      segment,
      // ContractExpiration ("2026-01-27T14:30:00") on derivative rows: the contract's day (a monthly symbol has none).
      ...(!CASH_SEGMENTS.has(segment) && /^\d{4}-\d{2}-\d{2}/.test(cols[COL.contractExpiration] ?? '')
        ? { expiry: cols[COL.contractExpiration]!.slice(0, 10) }
        : {}),
    });
  }
  return out;
}

const REVERSE_KEY = 'xts:symbolByInstrument';

/** Remember instrument id → common symbol for this connection, so order and position rows map back. */
function reverseMap(ctx: BrokerContext): Map<string, string> {
  let map = ctx.memo.get(REVERSE_KEY) as Map<string, string> | undefined;
  if (!map) {
    map = new Map();
    ctx.memo.set(REVERSE_KEY, map);
  }
  return map;
}

function remember(ctx: BrokerContext, instrument: Instrument): void {
  reverseMap(ctx).set(`${instrument.segment}:${instrument.token}`, instrument.symbol);
}

/** Download every segment's master. A segment the account cannot see is skipped; other failures propagate. */
export async function fetchInstruments(ctx: BrokerContext, profile: XtsProfile): Promise<Instrument[]> {
  const all: Instrument[] = [];
  let firstRejection: BrokerError | null = null;
  for (const segment of MASTER_SEGMENTS) {
    try {
      const result = await xtsCall(ctx, profile, {
        api: 'marketData',
        method: 'POST',
        path: '/instruments/master',
        json: { exchangeSegmentList: [segment] },
      });
      if (typeof result === 'string') all.push(...parseMaster(result));
    } catch (error) {
      if (!(error instanceof BrokerError) || error.code !== 'BROKER_REJECTED') throw error;
      firstRejection ??= error;
    }
  }
  if (all.length === 0 && firstRejection) throw firstRejection;
  for (const instrument of all) remember(ctx, instrument);
  return all;
}

/** Common symbol → XTS segment and instrument id, through the connection's instrument master. */
export function resolveInstrument(ctx: BrokerContext, profile: XtsProfile, symbol: string): Instrument {
  const wanted = symbol.trim().toUpperCase();
  const instrument = ctx.instruments.find(wanted);
  const exchange = wanted.split(':')[0] ?? '';
  if (!instrument || !/^\d+$/.test(instrument.token) || !EXCHANGE_TO_SEGMENT[instrument.exchange]) {
    const hint = EXCHANGE_TO_SEGMENT[exchange]
      ? 'Refresh the instrument list and check the symbol'
      : 'Use the form NSE:INFY, BSE:…, NFO:…, BFO:…, CDS:… or MCX:…';
    throw new BrokerError('BROKER_REJECTED', `${profile.descriptor.name} has no instrument "${wanted.slice(0, 40)}". ${hint}.`);
  }
  remember(ctx, instrument);
  return instrument;
}

/** XTS segment ("NSECM"…) of an instrument, from its master row or else its exchange. */
export function segmentOf(instrument: Instrument): string {
  return SEGMENT_TO_EXCHANGE[instrument.segment] ? instrument.segment : (EXCHANGE_TO_SEGMENT[instrument.exchange] ?? instrument.segment);
}

/**
 * Common symbol of an order or position row: from this connection's memory, else from the row's
 * TradingSymbol (newer builds; cash rows read "INFY-EQ"), else the raw instrument id.
 */
export function symbolOfRow(ctx: BrokerContext, segment: string, instrumentId: string, tradingSymbol: string | null): string {
  const known = reverseMap(ctx).get(`${segment}:${instrumentId}`);
  if (known) return known;
  const exchange = SEGMENT_TO_EXCHANGE[segment] ?? segment;
  if (tradingSymbol) {
    const plain = CASH_SEGMENTS.has(segment) ? tradingSymbol.replace(/-EQ$/i, '') : tradingSymbol;
    const candidate = `${exchange}:${plain.toUpperCase()}`;
    const found = ctx.instruments.find(candidate);
    if (!found || found.token === instrumentId) return candidate;
  }
  return `${exchange}:${instrumentId}`;
}
