import { fromMinor, valueMinor } from './money';
import type { AccountRow, PositionRow } from '../../store/paper-store';
import type { PaperAccount, PositionSource } from './types';

/**
 * Account totals, summed in minor units so equity = cash + market value = starting + realised +
 * unrealised exactly. A held symbol without a price is valued at cost (listed in unpricedSymbols).
 */
export function valuate(input: {
  account: AccountRow;
  positions: PositionRow[];
  prices: Map<string, number>;
  reservedMinor: number;
  resets: number;
  simulated: boolean;
  positionSources: PositionSource[];
}): PaperAccount {
  const { account, positions, prices } = input;
  const d = account.decimals;
  let market = 0;
  let unrealized = 0;
  let realized = 0;
  const unpriced: string[] = [];
  for (const p of positions) {
    realized += p.realized_minor;
    if (p.quantity === 0) continue;
    const price = prices.get(p.symbol);
    if (price === undefined) unpriced.push(p.symbol);
    const value = price === undefined ? p.cost_minor : valueMinor(p.quantity, price, d);
    market += value;
    unrealized += value - p.cost_minor;
  }
  return {
    id: account.id,
    currency: account.currency,
    startingCash: fromMinor(account.starting_cash_minor, d),
    cash: fromMinor(account.cash_minor, d),
    reservedCash: fromMinor(input.reservedMinor, d),
    availableCash: fromMinor(account.cash_minor - input.reservedMinor, d),
    marketValue: fromMinor(market, d),
    equity: fromMinor(account.cash_minor + market, d),
    realizedPnl: fromMinor(realized, d),
    unrealizedPnl: fromMinor(unrealized, d),
    unpricedSymbols: unpriced,
    simulatedPrices: input.simulated,
    positionSources: input.positionSources,
    resets: input.resets,
    createdAt: account.created_at,
  };
}
