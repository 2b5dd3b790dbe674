import {
  BrokerError,
  type BrokerContext,
  type BrokerOrder,
  type Funds,
  type Instrument,
  type OrderRequest,
  type OrderState,
  type OrderType,
  type Position,
} from '../types';
import { istToUtc } from '../india-time';
import { XTS_EPOCH_UNIX_SECONDS } from './config';
import { segmentOf, symbolOfRow } from './instruments';

type Row = Record<string, unknown>;

/** XTS sends many numbers as strings, and some margin fields as the literal "NaN": treat those as 0. */
export function num(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  return Number.isFinite(n) ? n : 0;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function asRows(value: unknown): Row[] {
  return Array.isArray(value) ? value.filter((r): r is Row => !!r && typeof r === 'object') : [];
}

const ORDER_TYPE_OUT: Record<OrderType, string> = { MARKET: 'MARKET', LIMIT: 'LIMIT', STOP: 'STOPMARKET', STOP_LIMIT: 'STOPLIMIT' };

/** The JSON body of `POST /interactive/orders`. */
export function orderBody(order: OrderRequest, instrument: Instrument, broker: string): Record<string, unknown> {
  if (!Number.isInteger(order.quantity) || order.quantity <= 0) {
    throw new BrokerError('BROKER_REJECTED', 'The order quantity must be a whole number above zero.');
  }
  if (order.timeInForce === 'GTC') throw new BrokerError('NOT_SUPPORTED', `${broker} (XTS) takes DAY and IOC orders only, not GTC.`);
  const needsLimit = order.type === 'LIMIT' || order.type === 'STOP_LIMIT';
  const needsStop = order.type === 'STOP' || order.type === 'STOP_LIMIT';
  if (needsLimit && !(order.limitPrice && order.limitPrice > 0)) throw new BrokerError('BROKER_REJECTED', 'A limit order needs a limit price.');
  if (needsStop && !(order.stopPrice && order.stopPrice > 0)) throw new BrokerError('BROKER_REJECTED', 'A stop order needs a trigger (stop) price.');
  const segment = segmentOf(instrument);
  const cash = segment === 'NSECM' || segment === 'BSECM';
  return {
    exchangeSegment: segment,
    exchangeInstrumentID: Number(instrument.token),
    productType: (order.product ?? (cash ? 'CNC' : 'NRML')).toUpperCase(),
    orderType: ORDER_TYPE_OUT[order.type],
    orderSide: order.side,
    timeInForce: order.timeInForce === 'IOC' ? 'IOC' : 'DAY',
    disclosedQuantity: 0,
    orderQuantity: order.quantity,
    limitPrice: needsLimit ? order.limitPrice : 0,
    stopPrice: needsStop ? order.stopPrice : 0,
    orderUniqueIdentifier: order.clientOrderId,
  };
}

const STATE: Record<string, OrderState> = {
  pendingnew: 'PENDING',
  new: 'OPEN',
  open: 'OPEN',
  triggerpending: 'OPEN',
  pendingcancel: 'OPEN',
  pendingreplace: 'OPEN',
  replaced: 'OPEN',
  partiallyfilled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  cancelled: 'CANCELLED',
  canceled: 'CANCELLED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
};

const ORDER_TYPE_IN: Record<string, OrderType> = {
  market: 'MARKET',
  limit: 'LIMIT',
  stopmarket: 'STOP',
  stoplimit: 'STOP_LIMIT',
  sl: 'STOP_LIMIT',
  slm: 'STOP',
};

const squash = (value: unknown) => (text(value) ?? '').toLowerCase().replace(/[\s_-]/g, '');

/**
 * XTS times carry no zone and are Indian time: "2026-01-05T09:30:00.1234567" (…DateTime fields) or
 * "05-01-2026 09:30:00" (…DateTimeAPI and exchange fields).
 */
export function parseXtsTime(value: unknown): number | null {
  const raw = text(value);
  if (!raw) return null;
  const dmy = /^(\d{2})-(\d{2})-(\d{4})[ T](\d{2}):(\d{2}):(\d{2})/.exec(raw);
  const ymd = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?\d*(Z|[+-]\d{2}:?\d{2})?$/.exec(raw);
  if (dmy) return istToUtc(+dmy[3]!, +dmy[2]!, +dmy[1]!, +dmy[4]!, +dmy[5]!, +dmy[6]!);
  if (ymd) {
    if (ymd[8]) return Date.parse(raw) || null;
    const ms = Number((ymd[7] ?? '0').padEnd(3, '0'));
    return istToUtc(+ymd[1]!, +ymd[2]!, +ymd[3]!, +ymd[4]!, +ymd[5]!, +ymd[6]!, ms);
  }
  return null;
}

/** One order-book (or order-history) row to the unified order. */
export function toBrokerOrder(ctx: BrokerContext, row: Row): BrokerOrder {
  const quantity = num(row.OrderQuantity);
  const filled = num(row.CumulativeQuantity);
  let state = STATE[squash(row.OrderStatus)] ?? 'UNKNOWN';
  if (state === 'OPEN' && filled > 0 && filled < quantity) state = 'PARTIALLY_FILLED';
  const type = ORDER_TYPE_IN[squash(row.OrderType)] ?? 'MARKET';
  const average = num(row.OrderAverageTradedPrice);
  const price = num(row.OrderPrice);
  return {
    brokerOrderId: text(row.AppOrderID) ?? '',
    clientOrderId: text(row.OrderUniqueIdentifier),
    symbol: symbolOfRow(ctx, text(row.ExchangeSegment) ?? '', text(row.ExchangeInstrumentID) ?? '', text(row.TradingSymbol)),
    side: squash(row.OrderSide) === 'sell' ? 'SELL' : 'BUY',
    quantity,
    filledQuantity: filled,
    averagePrice: average > 0 ? average : null,
    type,
    limitPrice: (type === 'LIMIT' || type === 'STOP_LIMIT') && price > 0 ? price : null,
    state,
    message: text(row.CancelRejectReason) ?? text(row.OrderStatus),
    updatedAt: parseXtsTime(row.LastUpdateDateTime) ?? parseXtsTime(row.ExchangeTransactTime) ?? parseXtsTime(row.OrderGeneratedDateTime),
  };
}

/** `GET /interactive/portfolio/positions` → `result.positionList[]`. */
export function toPositions(ctx: BrokerContext, result: unknown): Position[] {
  const rows = asRows((result as { positionList?: unknown } | undefined)?.positionList);
  return rows.map((row) => {
    const quantity = num(row.Quantity ?? row.NetPosition);
    const averagePrice = quantity > 0 ? num(row.BuyAveragePrice) : quantity < 0 ? num(row.SellAveragePrice) : 0;
    return {
      symbol: symbolOfRow(ctx, text(row.ExchangeSegment) ?? '', text(row.ExchangeInstrumentID) ?? '', text(row.TradingSymbol)),
      quantity,
      averagePrice,
      lastPrice: null,
      unrealizedPnl: row.UnrealizedMTM === undefined ? null : num(row.UnrealizedMTM),
      realizedPnl: row.RealizedMTM === undefined ? null : num(row.RealizedMTM),
    };
  });
}

/** `GET /interactive/user/balance`: buying power is `BalanceList[0].limitObject.RMSSubLimits.netMarginAvailable`. */
export function toFunds(result: unknown, currency: string): Funds {
  const first = asRows((result as { BalanceList?: unknown } | undefined)?.BalanceList)[0];
  const limits = ((first?.limitObject as Row | undefined)?.RMSSubLimits ?? null) as Row | null;
  if (!limits)
    throw new BrokerError('BROKER_REJECTED', 'The broker returned no balance for this account (dealer logins see funds on the dealer terminal only).');
  const available = num(limits.netMarginAvailable);
  const used = num(limits.marginUtilized);
  return { available, used, total: available + used, currency };
}

export interface TouchlineQuote {
  segmentCode: number;
  instrumentId: string;
  last: number;
  bid: number | null;
  ask: number | null;
  at: number | null;
}

/** `result.listQuotes[]` holds JSON-encoded strings; LTP is `Touchline.LastTradedPrice`. */
export function parseQuotes(result: unknown): TouchlineQuote[] {
  const list = (result as { listQuotes?: unknown } | undefined)?.listQuotes;
  const out: TouchlineQuote[] = [];
  for (const entry of Array.isArray(list) ? list : []) {
    let quote: Row;
    try {
      quote = (typeof entry === 'string' ? JSON.parse(entry) : entry) as Row;
    } catch {
      continue;
    }
    const touchline = (quote?.Touchline ?? {}) as Row;
    const bid = num((touchline.BidInfo as Row | undefined)?.Price);
    const ask = num((touchline.AskInfo as Row | undefined)?.Price);
    const traded = num(touchline.LastTradedTime);
    out.push({
      segmentCode: num(quote.ExchangeSegment),
      instrumentId: text(quote.ExchangeInstrumentID) ?? '',
      last: num(touchline.LastTradedPrice),
      bid: bid > 0 ? bid : null,
      ask: ask > 0 ? ask : null,
      at: traded > 0 ? (traded + XTS_EPOCH_UNIX_SECONDS) * 1000 : null,
    });
  }
  return out;
}
