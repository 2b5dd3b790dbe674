import type { OrderSide } from '../../../shared/orders';

/**
 * BrokerVault's estimate of what a real fill would cost in charges, for the paper engine when the trader turns it on
 * (Settings → Estimate charges on paper fills; off by default). It is an estimate, not any broker's bill: the rates
 * below are stated with the date they were last checked, and docs/paper-trading.md shows worked examples.
 *
 * India (NSE/BSE cash, NFO/BFO derivatives), in rupees:
 *   brokerage      a discount broker's tariff: delivery (CNC) free; intraday and F&O ₹20 or 0.03 % of the value per
 *                  executed order, whichever is lower (options: ₹20 flat)
 *   STT            delivery 0.1 % buy and sell; intraday 0.025 % sell; futures 0.02 % sell; options 0.1 % of premium sell
 *   exchange       NSE transaction charge: cash 0.00297 %, futures 0.00173 %, options 0.03503 % of premium
 *   SEBI fee       ₹10 per crore (0.0001 %)
 *   GST            18 % of brokerage + exchange charge + SEBI fee
 *   stamp duty     buy side only: delivery 0.015 %, intraday 0.003 %, futures 0.002 %, options 0.003 %
 * US (US: symbols), in dollars, on sells only (commission-free brokers charge no commission):
 *   SEC fee        $27.80 per $1,000,000 sold (Section 31 rate effective 14 May 2024; the SEC resets it each year)
 *   FINRA TAF      $0.000166 per share sold, at most $8.30 per trade (rate effective 1 January 2024)
 * Anything else (crypto, other exchanges) is not estimated: 0.
 * Rates last checked by BrokerVault: 2024 (STT and NSE charges as revised from 1 October 2024).
 */

export interface ChargeInput {
  symbol: string;
  side: OrderSide;
  quantity: number;
  price: number;
  product: string | null;
}

export interface ChargeLine {
  name: string;
  amount: number;
}

export interface ChargeEstimate {
  total: number;
  lines: ChargeLine[];
}

const INDIA_CASH = new Set(['NSE', 'BSE']);
const INDIA_FNO = new Set(['NFO', 'BFO']);

/** Rounded to the paisa/cent. */
const r2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;
/** Rounded up to the cent (how the SEC fee and TAF are charged). */
const up2 = (n: number) => Math.ceil(r2(n * 100) - 1e-9) / 100;

type Segment = 'delivery' | 'intraday' | 'futures' | 'options';

/** Which Indian segment a fill is in (options: the symbol ends in CE or PE; futures: FUT). */
function indianSegment(symbol: string, product: string | null): Segment | null {
  const [exchange, name = ''] = symbol.split(':');
  if (INDIA_FNO.has(exchange ?? '')) return /(CE|PE)$/.test(name) ? 'options' : 'futures';
  if (INDIA_CASH.has(exchange ?? '')) return product === 'CNC' || product === null ? 'delivery' : 'intraday';
  return null;
}

const INDIA: Record<Segment, { brokerage: (value: number) => number; stt: Record<OrderSide, number>; exchange: number; stamp: number }> = {
  delivery: { brokerage: () => 0, stt: { BUY: 0.001, SELL: 0.001 }, exchange: 0.0000297, stamp: 0.00015 },
  intraday: { brokerage: (v) => Math.min(20, v * 0.0003), stt: { BUY: 0, SELL: 0.00025 }, exchange: 0.0000297, stamp: 0.00003 },
  futures: { brokerage: (v) => Math.min(20, v * 0.0003), stt: { BUY: 0, SELL: 0.0002 }, exchange: 0.0000173, stamp: 0.00002 },
  options: { brokerage: () => 20, stt: { BUY: 0, SELL: 0.001 }, exchange: 0.0003503, stamp: 0.00003 },
};

export const US_SEC_FEE_PER_MILLION = 27.8;
export const US_TAF_PER_SHARE = 0.000166;
export const US_TAF_MAX = 8.3;

/** The estimated charges of one fill; zero lines where BrokerVault has no estimate for the market. */
export function estimateCharges(fill: ChargeInput): ChargeEstimate {
  const value = fill.quantity * fill.price;
  const lines: ChargeLine[] = [];
  const segment = indianSegment(fill.symbol, fill.product);
  if (segment) {
    const rule = INDIA[segment];
    const brokerage = r2(rule.brokerage(value));
    const exchange = r2(value * rule.exchange);
    const sebi = r2(value * 0.000001);
    lines.push({ name: 'brokerage', amount: brokerage });
    lines.push({ name: 'STT', amount: r2(value * rule.stt[fill.side]) });
    lines.push({ name: 'exchange transaction charge', amount: exchange });
    lines.push({ name: 'SEBI fee', amount: sebi });
    lines.push({ name: 'GST', amount: r2((brokerage + exchange + sebi) * 0.18) });
    lines.push({ name: 'stamp duty', amount: fill.side === 'BUY' ? r2(value * rule.stamp) : 0 });
  } else if (fill.symbol.startsWith('US:') && fill.side === 'SELL') {
    lines.push({ name: 'SEC fee', amount: up2((value * US_SEC_FEE_PER_MILLION) / 1_000_000) });
    lines.push({ name: 'FINRA TAF', amount: Math.min(US_TAF_MAX, up2(fill.quantity * US_TAF_PER_SHARE)) });
  }
  const kept = lines.filter((l) => l.amount > 0);
  return { total: r2(kept.reduce((sum, l) => sum + l.amount, 0)), lines: kept };
}
