import type { SimExchange, SimFill, SimOrder } from '../exchange';

/** The simulator's asset list: a few US equities with their listing exchange and a fixed asset UUID. */
export const ASSETS = [
  { symbol: 'AAPL', name: 'Apple Inc. Common Stock', exchange: 'NASDAQ', id: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415', tape: 'C' },
  { symbol: 'MSFT', name: 'Microsoft Corporation Common Stock', exchange: 'NASDAQ', id: 'b6d1aa75-5c9c-4353-a305-9e2caa1925ab', tape: 'C' },
  { symbol: 'SPY', name: 'SPDR S&P 500 ETF Trust', exchange: 'ARCA', id: 'b28f4066-5c6d-479b-a2af-85dc1a8f16fb', tape: 'B' },
  { symbol: 'JPM', name: 'JPMorgan Chase & Co. Common Stock', exchange: 'NYSE', id: '8f2c4cc1-2b35-4a6e-9d0f-0a4c2c4f1e27', tape: 'A' },
] as const;

export type SimAsset = (typeof ASSETS)[number];
export const assetBySymbol = (symbol: string): SimAsset | undefined => ASSETS.find((a) => a.symbol === symbol);

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
/** Alpaca sends decimals as strings without trailing zeros. */
export const dec = (n: number): string => String(Math.round(n * 1e6) / 1e6);

export function assetJson(a: SimAsset) {
  return {
    id: a.id,
    class: 'us_equity',
    exchange: a.exchange,
    symbol: a.symbol,
    name: a.name,
    status: 'active',
    tradable: true,
    marginable: true,
    shortable: true,
    easy_to_borrow: true,
    borrow_status: 'easy_to_borrow',
    fractionable: true,
    min_order_size: '0.0001',
    min_trade_increment: '0.0001',
    price_increment: '0.01',
    attributes: [],
  };
}

const STATUS: Record<SimOrder['status'], string> = { OPEN: 'new', FILLED: 'filled', CANCELLED: 'canceled', REJECTED: 'rejected' };

/**
 * SimOrder → Alpaca Order object. `fresh` renders the answer to POST /v2/orders, which Alpaca gives
 * before routing: status "accepted", nothing filled yet.
 */
export function orderJson(o: SimOrder, fresh = false, legs: SimOrder[] | null = null): Record<string, unknown> {
  const trailing = o.extra.trailAmount !== undefined || o.extra.trailPercent !== undefined;
  const type = trailing ? 'trailing_stop' : o.type.toLowerCase();
  // A bracket's legs wait as "held" until the entry fills.
  const held = o.status === 'OPEN' && o.extra.held === '1';
  const filled = !fresh && o.status === 'FILLED';
  const dayEnd = new Date(o.createdAt);
  dayEnd.setUTCHours(20, 0, 0, 0);
  return {
    id: o.id,
    client_order_id: o.clientOrderId ?? '',
    created_at: iso(o.createdAt),
    updated_at: iso(fresh ? o.createdAt : o.updatedAt),
    submitted_at: iso(o.createdAt),
    filled_at: filled ? iso(o.updatedAt) : null,
    expired_at: null,
    canceled_at: !fresh && o.status === 'CANCELLED' && !o.extra.replacedBy ? iso(o.updatedAt) : null,
    failed_at: !fresh && o.status === 'REJECTED' ? iso(o.updatedAt) : null,
    replaced_at: o.extra.replacedBy ? iso(o.updatedAt) : null,
    replaced_by: o.extra.replacedBy ?? null,
    replaces: o.extra.replaces ?? null,
    asset_id: assetBySymbol(o.symbol)?.id ?? '00000000-0000-4000-8000-000000000000',
    symbol: o.symbol,
    asset_class: 'us_equity',
    notional: null,
    qty: dec(o.quantity),
    filled_qty: filled ? dec(o.filledQuantity) : '0',
    filled_avg_price: filled && o.averagePrice !== null ? dec(o.averagePrice) : null,
    order_class: o.extra.orderClass ?? 'simple',
    order_type: type,
    type,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    time_in_force: o.extra.tif ?? 'day',
    limit_price: o.limitPrice === null ? null : dec(o.limitPrice),
    stop_price: o.stopPrice === null ? null : dec(o.stopPrice),
    status: held ? 'held' : fresh ? 'accepted' : o.extra.replacedBy ? 'replaced' : STATUS[o.status],
    extended_hours: false,
    legs: legs === null ? null : legs.map((leg) => orderJson(leg, fresh)),
    trail_percent: o.extra.trailPercent ?? null,
    trail_price: o.extra.trailAmount ?? null,
    hwm: o.extra.hwm === undefined ? null : dec(Number(o.extra.hwm)),
    expires_at: o.extra.tif === 'day' ? dayEnd.toISOString() : new Date(o.createdAt + 90 * 86_400_000).toISOString(),
  };
}

export function positionJson(ex: SimExchange, symbol: string, qty: number, avg: number) {
  const price = ex.price(symbol);
  const asset = assetBySymbol(symbol);
  const cost = qty * avg;
  const value = qty * price;
  return {
    asset_id: asset?.id ?? '00000000-0000-4000-8000-000000000000',
    symbol,
    exchange: asset?.exchange ?? 'NASDAQ',
    asset_class: 'us_equity',
    asset_marginable: true,
    qty: dec(qty),
    qty_available: dec(qty),
    avg_entry_price: dec(avg),
    side: qty >= 0 ? 'long' : 'short',
    market_value: dec(value),
    cost_basis: dec(cost),
    unrealized_pl: dec(value - cost),
    unrealized_plpc: dec(cost === 0 ? 0 : (value - cost) / Math.abs(cost)),
    unrealized_intraday_pl: dec(value - cost),
    unrealized_intraday_plpc: dec(cost === 0 ? 0 : (value - cost) / Math.abs(cost)),
    current_price: dec(price),
    lastday_price: dec(price),
    change_today: '0',
  };
}

/** The New York calendar date of `ms` (Alpaca's activity `date` filter is the trading day's date). */
export const newYorkDay = (ms: number): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

/** A fill as Alpaca's TradingActivities: id "<yyyymmddhhmmssSSS>::<uuid>", decimals as strings. */
export function activityJson(f: SimFill) {
  const stamp = new Date(f.at).toISOString().replace(/[-:TZ.]/g, '');
  return {
    id: `${stamp}::${f.orderId}`,
    activity_type: 'FILL',
    transaction_time: new Date(f.at).toISOString(),
    type: 'fill',
    price: dec(f.price),
    qty: dec(f.quantity),
    side: f.side === 'BUY' ? 'buy' : 'sell',
    symbol: f.symbol,
    leaves_qty: '0',
    order_id: f.orderId,
    cum_qty: dec(f.quantity),
    order_status: 'filled',
  };
}
