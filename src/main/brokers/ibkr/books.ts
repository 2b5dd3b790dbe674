import type { BrokerContext, Trade } from '../types';
import { ensureAccount, gatewayCall, num, sharedInFlight, str } from './client';
import { symbolFor } from './contracts';
import { pick } from './mapping';

/**
 * IBKR's trade book: `GET /iserver/account/trades` without `days` is the current day's executions, one row per
 * fill. IBKR has no holdings book separate from its positions (the held shares are the portfolio positions), so
 * the adapter offers no holdings: the Positions panel already shows them.
 *
 * Fields read: `execution_id`, `order_id`, `conid`, `symbol`, `sec_type`, `side` ('B'/'S'), `size`, `price`
 * (a string in some references), `trade_time_r` (epoch ms). `order_id` is unconfirmed (not in every published
 * field list): without it the row still shows, with no broker order id.
 */
type Json = Record<string, unknown>;

/** The gateway paces this endpoint at 1 request per 5 s: a read within that window reuses the last answer. */
const TRADES_PACE_MS = 5_000;

function mapTrade(ctx: BrokerContext, item: Json): Trade {
  const conid = num(pick(item, 'conid')) ?? 0;
  const secType = str(pick(item, 'sec_type', 'secType')) ?? 'STK';
  const side = (str(pick(item, 'side')) ?? '').toUpperCase();
  return {
    tradeId: str(pick(item, 'execution_id', 'executionId')) ?? '',
    brokerOrderId: str(pick(item, 'order_id', 'orderId')) ?? '',
    symbol: symbolFor(ctx, conid, str(pick(item, 'symbol', 'ticker')), secType === 'STK'),
    side: side === 'S' || side === 'SELL' || side === 'SLD' ? 'SELL' : 'BUY',
    quantity: num(pick(item, 'size')) ?? 0,
    price: num(pick(item, 'price')) ?? 0,
    executedAt: num(pick(item, 'trade_time_r', 'tradeTime_r')),
  };
}

export async function trades(ctx: BrokerContext): Promise<Trade[]> {
  const now = ctx.clock.now();
  const cached = ctx.memo.get('ibkr:trades') as { at: number; list: Trade[] } | undefined;
  if (cached && now - cached.at < TRADES_PACE_MS) return cached.list;
  return sharedInFlight(ctx, 'ibkr:tradesPending', async () => {
    const account = await ensureAccount(ctx);
    const answer = await gatewayCall(ctx, { method: 'GET', path: '/iserver/account/trades' }, 'read your trade book');
    // A login may hold several accounts: keep this connection's executions (rows naming no account stay).
    const ours = (item: Json) => {
      const owner = str(pick(item, 'account', 'accountCode'));
      return owner === null || owner === account;
    };
    const list = (Array.isArray(answer) ? (answer as Json[]) : []).filter(ours).map((item) => mapTrade(ctx, item));
    ctx.memo.set('ibkr:trades', { at: now, list });
    return list;
  });
}
