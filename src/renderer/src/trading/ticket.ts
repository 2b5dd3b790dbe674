import { needsLimitPrice, needsStopPrice, type OrderSide, type OrderType } from '../../../shared/orders';
import type { OrderTicket } from '../../../shared/schemas';
import { SYMBOL_PATTERN } from './SymbolField';

export const INDIAN_PRODUCTS = [
  ['CNC', 'CNC — delivery'],
  ['MIS', 'MIS — intraday'],
  ['NRML', 'NRML — F&O carry forward'],
] as const;

/** Paper mode offers the products the paper engine knows (docs/paper-trading.md): they decide who may sell short. */
const US_PAPER_PRODUCTS = [
  ['CASH', 'Cash account — no short selling'],
  ['MARGIN', 'Margin account — may sell short'],
] as const;

/** The paper products for a symbol's market: US accounts, or India's CNC/MIS/NRML; none for other markets. */
export function paperProductsFor(symbol: string): readonly (readonly [string, string])[] {
  const exchange = symbol.trim().toUpperCase().split(':')[0] ?? '';
  if (exchange === 'US') return US_PAPER_PRODUCTS;
  return ['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS'].includes(exchange) ? INDIAN_PRODUCTS : [];
}

export interface TicketForm {
  symbol: string;
  side: OrderSide;
  quantity: string;
  type: OrderType;
  limitPrice: string;
  stopPrice: string;
  product: string;
}

/** Problems per field, in words, or an empty object. */
export function ticketProblems(form: TicketForm, needsProduct: boolean): Partial<Record<keyof TicketForm, string>> {
  const out: Partial<Record<keyof TicketForm, string>> = {};
  if (!SYMBOL_PATTERN.test(form.symbol.trim())) out.symbol = 'Enter a symbol as EXCHANGE:SYMBOL, e.g. NSE:INFY or US:AAPL.';
  const qty = Number(form.quantity);
  if (!(qty > 0) || !Number.isFinite(qty)) out.quantity = 'Enter a quantity above zero.';
  if (needsLimitPrice(form.type) && !(Number(form.limitPrice) > 0)) out.limitPrice = 'Enter the limit price (above zero).';
  if (needsStopPrice(form.type) && !(Number(form.stopPrice) > 0)) out.stopPrice = 'Enter the stop (trigger) price (above zero).';
  if (needsProduct && !form.product) out.product = 'Choose a product: CNC for delivery, MIS for intraday.';
  return out;
}

export function toTicket(form: TicketForm, ticketId: string, needsProduct: boolean, confirmationId?: string): OrderTicket {
  return {
    ticketId,
    symbol: form.symbol.trim(),
    side: form.side,
    quantity: Number(form.quantity),
    type: form.type,
    ...(needsLimitPrice(form.type) ? { limitPrice: Number(form.limitPrice) } : {}),
    ...(needsStopPrice(form.type) ? { stopPrice: Number(form.stopPrice) } : {}),
    ...(needsProduct ? { product: form.product } : {}),
    ...(confirmationId ? { confirmationId } : {}),
  };
}

export function describeTicket(t: OrderTicket): string {
  const price =
    t.type === 'MARKET'
      ? 'at market'
      : t.type === 'LIMIT'
        ? `limit ${t.limitPrice}`
        : t.type === 'STOP'
          ? `stop ${t.stopPrice}`
          : `stop ${t.stopPrice}, limit ${t.limitPrice}`;
  return `${t.side} ${t.quantity} ${t.symbol} ${price}${t.product ? ` (${t.product})` : ''}`;
}
