import { maskAccount, type AccountSummary, type BrokerContext, type Funds } from '../types';
import { alpacaRequest } from './client';

/** The fields of GET /v2/account we read. */
interface AlpacaAccount {
  id: string;
  account_number?: string;
  status: string;
  currency?: string;
  cash?: string;
  buying_power?: string;
  equity?: string;
  multiplier?: string;
  trading_blocked?: boolean;
  account_blocked?: boolean;
}

const amount = (value: string | undefined) => {
  const n = Number(value ?? '0');
  return Number.isFinite(n) ? n : 0;
};

async function getAccount(ctx: BrokerContext): Promise<AlpacaAccount> {
  const res = await alpacaRequest(ctx, { method: 'GET', path: '/v2/account' }, { kind: 'account' });
  return res.body as AlpacaAccount;
}

/** Alpaca has no account-type field: the buying-power multiplier says cash (1), Reg T (2) or day-trading (4) margin. */
function accountType(a: AlpacaAccount): string {
  const kind = a.multiplier === '1' ? 'Cash' : a.multiplier === '4' ? 'Margin (4x intraday)' : 'Margin (Reg T)';
  const blocked = a.account_blocked || a.trading_blocked ? ', trading blocked' : '';
  const status = a.status === 'ACTIVE' ? '' : `, status ${a.status} (orders are accepted only when ACTIVE)`;
  return `${kind}${blocked}${status}`;
}

export async function validate(ctx: BrokerContext): Promise<AccountSummary> {
  const a = await getAccount(ctx);
  return {
    accountMasked: maskAccount(a.account_number || a.id),
    accountType: accountType(a),
    buyingPower: amount(a.buying_power),
    currency: a.currency ?? 'USD',
  };
}

/** Available = buying power; total = equity; used = what positions and open orders tie up. */
export async function funds(ctx: BrokerContext): Promise<Funds> {
  const a = await getAccount(ctx);
  const available = amount(a.buying_power);
  const total = amount(a.equity);
  return { available, used: Math.max(0, Math.round((total - available) * 100) / 100), total, currency: a.currency ?? 'USD' };
}
