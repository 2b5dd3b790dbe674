import { maskAccount, type AccountSummary, type BrokerContext, type Funds, type Position } from '../types';
import { ensurePortfolio, gatewayCall, num, str } from './client';
import { mapPosition } from './mapping';
import { checkEnvironment, requireSession } from './session';

type Json = Record<string, unknown>;

/** `GET /portfolio/{id}/summary`: lower-case keys, each `{amount, currency, value, …}`. */
async function summary(ctx: BrokerContext): Promise<{ account: string; values: Json }> {
  const account = await ensurePortfolio(ctx);
  const values = (await gatewayCall(ctx, { method: 'GET', path: `/portfolio/${encodeURIComponent(account)}/summary` }, 'read your balances')) as Json;
  return { account, values: values ?? {} };
}

function amount(values: Json, key: string): number | null {
  const entry = values[key] as Json | undefined;
  return entry && typeof entry === 'object' ? num(entry.amount) : null;
}

function currency(values: Json): string {
  const entry = (values.netliquidation ?? values.totalcashvalue) as Json | undefined;
  const c = entry && typeof entry === 'object' ? str(entry.currency) : null;
  return c && /^[A-Z]{3}$/.test(c) ? c : 'USD';
}

export async function validate(ctx: BrokerContext): Promise<AccountSummary> {
  const account = await requireSession(ctx);
  checkEnvironment(ctx, account);
  const { values } = await summary(ctx);
  const typeEntry = values.accounttype as Json | undefined;
  const accountType = (typeEntry && typeof typeEntry === 'object' ? str(typeEntry.value) : null) ?? (account.startsWith('D') ? 'PAPER' : 'INDIVIDUAL');
  return {
    accountMasked: maskAccount(account),
    accountType,
    buyingPower: amount(values, 'buyingpower') ?? 0,
    currency: currency(values),
  };
}

export async function funds(ctx: BrokerContext): Promise<Funds> {
  const { values } = await summary(ctx);
  const total = amount(values, 'netliquidation') ?? amount(values, 'totalcashvalue') ?? 0;
  const available = amount(values, 'availablefunds') ?? amount(values, 'totalcashvalue') ?? 0;
  return { available, used: Math.max(0, total - available), total, currency: currency(values) };
}

/** Pages are 100 long (some references say 30): read on while a page is at least the smaller size. */
const MIN_PAGE = 30;
const MAX_PAGES = 50;

export async function positions(ctx: BrokerContext): Promise<Position[]> {
  const account = await ensurePortfolio(ctx);
  const out: Position[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await gatewayCall(ctx, { method: 'GET', path: `/portfolio/${encodeURIComponent(account)}/positions/${page}` }, 'read your positions');
    const items = (Array.isArray(answer) ? answer : []) as Json[];
    for (const item of items) {
      const position = mapPosition(ctx, item);
      if (position.quantity !== 0) out.push(position);
    }
    if (items.length < MIN_PAGE) break;
  }
  return out;
}
