import { brokerRequest, joinUrl, type HttpRequest } from '../http';
import { BrokerError, maskAccount, type BrokerContext } from '../types';
import { mapGatewayError, tlsFailureError } from './errors';
import { gatewayTls } from './transport';

/**
 * Forget what the gateway's session had been told: the primed account goes with the brokerage session
 * (competing login, ssodh/init); the portfolio priming only with the whole login (a 401).
 */
export function forgetSession(ctx: BrokerContext, scope: 'brokerage' | 'login'): void {
  ctx.memo.delete('ibkr:account');
  if (scope === 'login') ctx.memo.delete('ibkr:portfolioPrimed');
}

/**
 * One gateway call: picks the transport (pinned TLS for a gateway on this computer, ctx.fetch otherwise),
 * returns the parsed body of a 2xx answer and throws a mapped BrokerError for anything else.
 * `what` completes "IBKR could not …" in error messages.
 */
export async function gatewayCall(ctx: BrokerContext, req: HttpRequest, what: string): Promise<unknown> {
  const tls = gatewayTls(ctx);
  const callCtx = tls ? { ...ctx, fetch: tls.fetch } : ctx;
  let res;
  try {
    res = await brokerRequest(callCtx, req);
  } catch (error) {
    const failure = tls?.takeFailure() ?? null;
    if (failure && error instanceof BrokerError && error.code === 'NETWORK') {
      throw tlsFailureError(failure, joinUrl(ctx.baseUrl, '/').host);
    }
    throw error;
  }
  if (res.status >= 200 && res.status < 300) return res.body;
  const mapped = mapGatewayError(res.status, res.body, what);
  if (mapped.code === 'TOKEN_EXPIRED') forgetSession(ctx, 'login');
  throw mapped;
}

interface AccountsAnswer {
  accounts?: unknown;
  selectedAccount?: unknown;
}

/**
 * The account to trade, after the priming call the gateway requires before any order or market-data
 * request (`GET /iserver/accounts`). Switches the gateway's selected account when the user chose another one.
 */
export async function ensureAccount(ctx: BrokerContext): Promise<string> {
  const known = ctx.memo.get('ibkr:account');
  if (typeof known === 'string') return known;
  return sharedInFlight(ctx, 'ibkr:accountPending', () => selectAccount(ctx));
}

async function selectAccount(ctx: BrokerContext): Promise<string> {
  const body = (await gatewayCall(ctx, { method: 'GET', path: '/iserver/accounts' }, 'list your accounts')) as AccountsAnswer;
  const accounts = Array.isArray(body?.accounts) ? body.accounts.filter((a): a is string => typeof a === 'string') : [];
  const selected = typeof body?.selectedAccount === 'string' ? body.selectedAccount : accounts[0];
  const wanted = ctx.credentials.accountId?.trim() || selected;
  if (!wanted) {
    throw new BrokerError(
      'BROKER_REJECTED',
      'The IBKR gateway session has no trading account yet. Log in to the gateway again and wait until it says "Client login succeeds".',
    );
  }
  if (accounts.length > 0 && !accounts.includes(wanted)) {
    throw new BrokerError(
      'INVALID_CREDENTIALS',
      `Account ${maskAccount(wanted)} is not available in the gateway's session. Check the account ID, or log in with the username that owns it.`,
    );
  }
  if (wanted !== selected) {
    await gatewayCall(ctx, { method: 'POST', path: '/iserver/account', json: { acctId: wanted } }, 'switch to your account');
  }
  ctx.memo.set('ibkr:account', wanted);
  return wanted;
}

/** `/portfolio/*` endpoints need one `GET /portfolio/accounts` per session first (it is paced at 1 per 5 s). */
export async function ensurePortfolio(ctx: BrokerContext): Promise<string> {
  const account = await ensureAccount(ctx);
  if (ctx.memo.get('ibkr:portfolioPrimed') !== true) {
    await sharedInFlight(ctx, 'ibkr:portfolioPriming', async () => {
      await gatewayCall(ctx, { method: 'GET', path: '/portfolio/accounts' }, 'load your portfolio accounts');
      ctx.memo.set('ibkr:portfolioPrimed', true);
    });
  }
  return account;
}

/**
 * Concurrent callers of a paced or once-per-session endpoint share the request in flight instead of each
 * sending their own (the gateway answers the second one within 5 s with 429).
 */
export function sharedInFlight<T>(ctx: BrokerContext, key: string, request: () => Promise<T>): Promise<T> {
  const pending = ctx.memo.get(key) as Promise<T> | undefined;
  if (pending) return pending;
  const started = request().finally(() => ctx.memo.delete(key));
  ctx.memo.set(key, started);
  return started;
}

/** Numbers arrive as numbers or strings (snapshots: "C189.50" = prior close); null when absent. */
export function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const cleaned = value
    .replace(/^[A-Za-z]+/, '')
    .replace(/,/g, '')
    .trim();
  if (!cleaned) return null;
  const n = Number(cleaned);
  return Number.isFinite(n) ? n : null;
}

export function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}
