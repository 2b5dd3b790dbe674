import { BrokerError, maskAccount, type BrokerAdapter } from '../types';
import { templateCall } from './client';
import { descriptor } from './descriptor';
import { templateRateLimits } from './limits';
import { toBrokerOrder, toPosition, type TemplateOrder } from './mapping';

/**
 * TEMPLATE — adapter.ts: the broker's BrokerAdapter (src/main/brokers/types.ts). Adapters are stateless:
 * every call gets the connection's context, and a login returns the tokens to store instead of keeping them.
 * This folder is a skeleton that compiles; it is in no registry and ships in no build.
 *
 * | Member          | Required | When                                                                    |
 * |-----------------|----------|-------------------------------------------------------------------------|
 * | descriptor      | yes      | descriptor.ts                                                           |
 * | rateLimits      | yes      | limits.ts                                                               |
 * | validate        | yes      | the wizard's test and every health check: cheap, proves the credentials |
 * | funds, positions, orders, getOrder, placeOrder, cancelOrder, quotes | yes | the trading screens and the order path |
 * | sessionExpiry   | yes      | when the stored session ends by the broker's rule; null when keys never expire |
 * | fetchInstruments | one of  | brokers with a downloadable instrument master (cached daily)            |
 * | searchSymbols   | the two  | brokers with a live symbol lookup instead                               |
 * | loginUrl + completeLogin | optional | browser (OAuth redirect) sign-in                                |
 * | login           | optional | sign-in without a browser (TOTP, app key, refresh token)                |
 * | statelessRedirect | optional | the redirect brings no `state` back                                   |
 * | precheckOrder   | optional | the broker can check an order without placing it (a dry run)          |
 * | symbolDialect   | required | how the master writes derivatives, for the local API's OpenAlgo symbols |
 * | answerPrompt    | optional | the broker asks the trader questions before accepting an order         |
 * | protectiveExits | optional | the broker holds bracket, OCO or trailing exits itself (its `kinds`); conformance section `exits` |
 *
 * getOrder must find an order by client order id: after a timeout the order path looks it up instead of
 * resending it.
 */
export const adapter: BrokerAdapter = {
  symbolDialect: 'us',
  descriptor,
  rateLimits: templateRateLimits,

  async validate(ctx) {
    const { body } = await templateCall(ctx, { method: 'GET', path: '/v1/account' });
    const account = body as { id?: string; type?: string; buying_power?: number };
    if (!account.id) throw new BrokerError('BROKER_REJECTED', 'The broker answered without an account.');
    return {
      accountMasked: maskAccount(account.id),
      accountType: account.type ?? 'account',
      buyingPower: account.buying_power ?? 0,
      currency: descriptor.currency,
    };
  },

  async funds(ctx) {
    const { body } = await templateCall(ctx, { method: 'GET', path: '/v1/account' });
    const a = body as { cash?: number; used?: number };
    return { available: a.cash ?? 0, used: a.used ?? 0, total: (a.cash ?? 0) + (a.used ?? 0), currency: descriptor.currency };
  },

  async placeOrder(ctx, order) {
    const { body } = await templateCall(ctx, {
      method: 'POST',
      path: '/v1/orders',
      json: { symbol: order.symbol.replace(/^US:/, ''), side: order.side.toLowerCase(), qty: String(order.quantity), client_order_id: order.clientOrderId },
    });
    return { brokerOrderId: String((body as { id?: unknown }).id), state: 'PENDING' };
  },

  async cancelOrder(ctx, brokerOrderId) {
    await templateCall(ctx, { method: 'DELETE', path: `/v1/orders/${encodeURIComponent(brokerOrderId)}` });
  },

  async getOrder(ctx, lookup) {
    const all = await adapter.orders(ctx);
    return (
      all.find((o) => o.brokerOrderId === lookup.brokerOrderId || (lookup.clientOrderId !== undefined && o.clientOrderId === lookup.clientOrderId)) ?? null
    );
  },

  async orders(ctx) {
    const { body } = await templateCall(ctx, { method: 'GET', path: '/v1/orders' });
    return (body as TemplateOrder[]).map(toBrokerOrder);
  },

  async positions(ctx) {
    const { body } = await templateCall(ctx, { method: 'GET', path: '/v1/positions' });
    return (body as Parameters<typeof toPosition>[0][]).map(toPosition);
  },

  async quotes() {
    throw new BrokerError('NOT_SUPPORTED', 'Quotes are not implemented in the template.');
  },

  async searchSymbols() {
    return [];
  },

  // API keys do not expire.
  sessionExpiry: () => null,
};
