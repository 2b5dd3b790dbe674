import { brokerRequest, type HttpRequest, type HttpResponse } from '../http';
import { BrokerError, type BrokerContext } from '../types';
import { tradierError } from './errors';
import { asList } from './mapping';

/** One authenticated Tradier call; non-2xx answers become BrokerErrors. */
export async function tradierCall(ctx: BrokerContext, req: HttpRequest): Promise<HttpResponse> {
  const token = ctx.credentials.access_token;
  if (!token) throw new BrokerError('INVALID_CREDENTIALS', 'No Tradier access token is stored for this connection.');
  const response = await brokerRequest(ctx, {
    ...req,
    // Tradier answers XML unless JSON is asked for explicitly.
    headers: { ...req.headers, accept: 'application/json', authorization: `Bearer ${token}` },
  });
  if (response.status >= 400) throw tradierError(response);
  return response;
}

interface ProfileAccount {
  account_number?: string;
  classification?: string;
  type?: string;
  status?: string;
}

export async function profileAccounts(ctx: BrokerContext): Promise<ProfileAccount[]> {
  const { body } = await tradierCall(ctx, { method: 'GET', path: '/user/profile' });
  const profile = (body as { profile?: { account?: unknown } }).profile;
  return asList<ProfileAccount>(profile?.account);
}

/** The account to trade: the one the user entered, else the first on the token (looked up once per connection). */
export async function accountId(ctx: BrokerContext): Promise<string> {
  const entered = ctx.credentials.account_id?.trim();
  if (entered) return entered;
  const cached = ctx.memo.get('tradier.accountId');
  if (typeof cached === 'string') return cached;
  const first = (await profileAccounts(ctx)).find((a) => a.status !== 'closed' && a.account_number);
  if (!first?.account_number) throw new BrokerError('BROKER_REJECTED', 'Tradier lists no open account for this access token.');
  ctx.memo.set('tradier.accountId', first.account_number);
  return first.account_number;
}
