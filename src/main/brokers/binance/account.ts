import { BrokerError, maskAccount, type AccountSummary, type BrokerContext, type Funds, type Position } from '../types';
import { publicRequest, RESTRICTIONS_KEY, signedRequest } from './client';
import type { KeyRestrictions } from './errors';

/** Buying power on spot is the free balance of the quote asset; every pair we trade is quoted in USDT. */
export const QUOTE_ASSET = 'USDT';

interface Balance {
  asset: string;
  free: string;
  locked: string;
}
interface Account {
  uid: number;
  accountType: string;
  canTrade: boolean;
  balances: Balance[];
}
interface ApiRestrictions extends KeyRestrictions {
  enableWithdrawals: boolean;
  tradingAuthorityExpirationTime?: number;
}
interface Trade {
  price: string;
  qty: string;
  isBuyer: boolean;
  time: number;
}

async function getAccount(ctx: BrokerContext): Promise<Account> {
  const res = await signedRequest(ctx, { method: 'GET', path: '/api/v3/account', params: [['omitZeroBalances', 'true']] });
  return res.body as Account;
}

const balanceOf = (a: Account, asset: string) => a.balances.find((b) => b.asset === asset);

/** Key permissions and IP restriction; /sapi exists on mainnet only (testnet has no /sapi). */
async function keyRestrictions(ctx: BrokerContext): Promise<ApiRestrictions | null> {
  if (ctx.environment !== 'live') return null;
  try {
    const res = await signedRequest(ctx, { method: 'GET', path: '/sapi/v1/account/apiRestrictions', params: [] });
    return res.body as ApiRestrictions;
  } catch (error) {
    if (error instanceof BrokerError && error.httpStatus === 404) return null;
    throw error;
  }
}

function describeKey(ctx: BrokerContext, account: Account, r: ApiRestrictions | null): string {
  const parts = [ctx.environment === 'live' ? 'Spot' : 'Spot testnet'];
  if (!account.canTrade) parts.push('account may not trade');
  if (r) {
    if (!r.enableSpotAndMarginTrading) parts.push('read-only key: tick "Enable Spot & Margin Trading" in API Management to place orders');
    else if (r.tradingAuthorityExpirationTime) {
      parts.push(`trading enabled until ${new Date(r.tradingAuthorityExpirationTime).toISOString().slice(0, 10)}`);
    } else parts.push('trading enabled');
    parts.push(r.ipRestrict ? 'IP-restricted' : 'not IP-restricted: add your IP as a trusted IP');
    if (r.enableWithdrawals) parts.push('withdrawals enabled: not needed here, consider turning them off');
  }
  return parts.join(', ');
}

export async function validate(ctx: BrokerContext): Promise<AccountSummary> {
  const account = await getAccount(ctx);
  const restrictions = await keyRestrictions(ctx);
  if (restrictions) {
    const remembered: KeyRestrictions = { ipRestrict: restrictions.ipRestrict, enableSpotAndMarginTrading: restrictions.enableSpotAndMarginTrading };
    ctx.memo.set(RESTRICTIONS_KEY, remembered);
  }
  return {
    accountMasked: maskAccount(String(account.uid)),
    accountType: describeKey(ctx, account, restrictions),
    buyingPower: Number(balanceOf(account, QUOTE_ASSET)?.free ?? 0),
    currency: QUOTE_ASSET,
  };
}

export async function funds(ctx: BrokerContext): Promise<Funds> {
  const quote = balanceOf(await getAccount(ctx), QUOTE_ASSET);
  const available = Number(quote?.free ?? 0);
  const used = Number(quote?.locked ?? 0);
  return { available, used, total: available + used, currency: QUOTE_ASSET };
}

/** Average cost and realized P&L of a holding, replayed from its trades (spot has no position record). */
function replay(trades: Trade[]): { averagePrice: number; realizedPnl: number } {
  let qty = 0;
  let cost = 0;
  let realized = 0;
  for (const t of [...trades].sort((a, b) => a.time - b.time)) {
    const q = Number(t.qty);
    const p = Number(t.price);
    if (t.isBuyer) {
      cost += q * p;
      qty += q;
    } else if (qty > 0) {
      const avg = cost / qty;
      const sold = Math.min(q, qty);
      realized += sold * (p - avg);
      cost -= sold * avg;
      qty -= sold;
    }
  }
  return { averagePrice: qty > 0 ? cost / qty : 0, realizedPnl: realized };
}

/** Spot "positions" are the non-zero balances other than USDT, valued against their USDT pair. */
export async function positions(ctx: BrokerContext): Promise<Position[]> {
  const account = await getAccount(ctx);
  const held = account.balances.filter((b) => b.asset !== QUOTE_ASSET && Number(b.free) + Number(b.locked) > 0);
  if (held.length === 0) return [];
  const prices = new Map(((await publicRequest(ctx, '/api/v3/ticker/price')) as { symbol: string; price: string }[]).map((t) => [t.symbol, Number(t.price)]));
  const out: Position[] = [];
  for (const b of held) {
    const pair = `${b.asset}${QUOTE_ASSET}`;
    const quantity = Number(b.free) + Number(b.locked);
    const last = prices.get(pair);
    if (last === undefined) {
      out.push({ symbol: `CRYPTO:${b.asset}`, quantity, averagePrice: 0, lastPrice: null, unrealizedPnl: null, realizedPnl: null });
      continue;
    }
    const trades = await signedRequest(ctx, {
      method: 'GET',
      path: '/api/v3/myTrades',
      params: [
        ['symbol', pair],
        ['limit', '1000'],
      ],
    });
    const { averagePrice, realizedPnl } = replay(trades.body as Trade[]);
    out.push({
      symbol: `CRYPTO:${pair}`,
      quantity,
      averagePrice,
      lastPrice: last,
      unrealizedPnl: averagePrice > 0 ? quantity * (last - averagePrice) : null,
      realizedPnl,
    });
  }
  return out;
}
