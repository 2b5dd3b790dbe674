import { brokerRequest, type HttpRequest, type HttpResponse } from '../http';
import { BrokerError, type BrokerContext } from '../types';
import { templateError } from './errors';

/**
 * TEMPLATE — client.ts: one authenticated call. Every request goes through `brokerRequest` (the only HTTP
 * path: rate gate, timeout, scrubbing); the URL is always built from `ctx.baseUrl`, so the host override and
 * the simulator cover every endpoint. Credentials come from `ctx.credentials`, never from module state.
 */
export async function templateCall(ctx: BrokerContext, req: HttpRequest): Promise<HttpResponse> {
  const key = ctx.credentials.api_key;
  if (!key) throw new BrokerError('INVALID_CREDENTIALS', 'No API key is stored for this connection.');
  const response = await brokerRequest(ctx, { ...req, headers: { ...req.headers, authorization: `Bearer ${key}` } });
  if (response.status >= 400) throw templateError(response);
  return response;
}
