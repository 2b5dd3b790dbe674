import type { OrderTicket } from '../../../shared/schemas';
import { isIndianSymbol, MAX_BASKET, type BasketRow, type RowProblems } from './schedule';
import { ticketProblems } from './ticket';

export { MAX_BASKET };

/** Problems of each basket row, in the order ticket's words (the same checks main applies). */
export function basketProblems(rows: readonly BasketRow[]): RowProblems[] {
  return rows.map((row) => {
    const { symbol, quantity, limitPrice } = ticketProblems({ ...row, stopPrice: '' }, false);
    const problems: RowProblems = {};
    if (symbol) problems.symbol = symbol;
    if (quantity) problems.quantity = quantity;
    else if (Number(row.quantity) > 1e9) problems.quantity = 'Enter a quantity of at most 1,000,000,000.';
    if (limitPrice) problems.limitPrice = limitPrice;
    return problems;
  });
}

/** One row as an order ticket with its own ticket id (the row's idempotency key). */
export function rowTicket(row: BasketRow, ticketId: string, confirmationId?: string): OrderTicket {
  return {
    ticketId,
    symbol: row.symbol.trim().toUpperCase(),
    side: row.side,
    quantity: Number(row.quantity),
    type: row.type,
    ...(row.type === 'LIMIT' ? { limitPrice: Number(row.limitPrice) } : {}),
    ...(row.product && isIndianSymbol(row.symbol) ? { product: row.product } : {}),
    ...(confirmationId ? { confirmationId } : {}),
  };
}
