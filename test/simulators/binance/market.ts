import type { SimExchange } from '../exchange';

/** The simulator's spot pairs, all quoted in USDT (the account's cash). */
export const PAIRS = {
  BTCUSDT: { base: 'BTC' },
  ETHUSDT: { base: 'ETH' },
  BNBUSDT: { base: 'BNB' },
  SOLUSDT: { base: 'SOL' },
} as const;
export type Pair = keyof typeof PAIRS;
export const isPair = (s: string | null): s is Pair => s !== null && s in PAIRS;

export const TICK_SIZE = 0.01;
export const STEP_SIZE = 0.0001;
export const MIN_NOTIONAL = 5;
export const ORDER_TYPES = ['LIMIT', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT'];

/** Binance writes amounts with 8 decimals: "0.00100000". */
export const amt = (n: number): string => (Math.round(n * 1e8) / 1e8).toFixed(8);

/** True when value is a whole multiple of step (with float tolerance). */
export const onStep = (value: number, step: number): boolean => Math.abs(value / step - Math.round(value / step)) < 1e-6;

export const RATE_LIMITS = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
  { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 },
  { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 160000 },
  { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
];

export function symbolInfo(symbol: Pair) {
  return {
    symbol,
    status: 'TRADING',
    baseAsset: PAIRS[symbol].base,
    baseAssetPrecision: 8,
    quoteAsset: 'USDT',
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ORDER_TYPES,
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: amt(TICK_SIZE), maxPrice: amt(1_000_000), tickSize: amt(TICK_SIZE) },
      { filterType: 'LOT_SIZE', minQty: amt(STEP_SIZE), maxQty: amt(9000), stepSize: amt(STEP_SIZE) },
      { filterType: 'NOTIONAL', minNotional: amt(MIN_NOTIONAL), applyMinToMarket: true, maxNotional: amt(9_000_000), applyMaxToMarket: false, avgPriceMins: 5 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

export const priceTicker = (ex: SimExchange, symbol: Pair) => ({ symbol, price: amt(ex.price(symbol)) });
