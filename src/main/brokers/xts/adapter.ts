import type { BrokerDescriptor } from '../../../shared/brokers';
import {
  BrokerError,
  maskAccount,
  type AccountSummary,
  type BrokerAdapter,
  type BrokerContext,
  type BrokerOrder,
  type OrderLookup,
  type Quote,
} from '../types';
import { holdings, trades } from './books';
import { xtsCall, type XtsProfile } from './client';
import { DEFAULT_ROOTS, QUOTES_BATCH, SEGMENT_CODE, SESSION, type XtsRoots } from './config';
import { fetchInstruments, resolveInstrument, segmentOf } from './instruments';
import { asRows, orderBody, parseQuotes, toBrokerOrder, toFunds, toPositions } from './mapping';
import { xtsRateLimits } from './limits';
import { xtsHistory, xtsHistoryIntervals } from './history';
import { xtsOrderStream } from './order-stream';
import { xtsProtectiveExits } from './exits';
import { expiryOf, login } from './session';
import { xtsMarketStream } from './stream';

async function orderBook(ctx: BrokerContext, profile: XtsProfile): Promise<BrokerOrder[]> {
  const result = await xtsCall(ctx, profile, { api: 'interactive', method: 'GET', path: '/orders' });
  return asRows(result).map((row) => toBrokerOrder(ctx, row));
}

/** `GET /interactive/orders?appOrderID=` returns the order's history; its newest row is the current state. */
async function orderHistory(ctx: BrokerContext, profile: XtsProfile, appOrderID: string): Promise<BrokerOrder | null> {
  const result = await xtsCall(ctx, profile, { api: 'interactive', method: 'GET', path: '/orders', query: { appOrderID } });
  const rows = asRows(result)
    .map((row) => toBrokerOrder(ctx, row))
    .filter((o) => o.brokerOrderId === appOrderID);
  return rows.reduce<BrokerOrder | null>((latest, o) => (!latest || (o.updatedAt ?? 0) >= (latest.updatedAt ?? 0) ? o : latest), null);
}

async function findOrder(ctx: BrokerContext, profile: XtsProfile, lookup: OrderLookup): Promise<BrokerOrder | null> {
  if (lookup.brokerOrderId) {
    const id = lookup.brokerOrderId;
    if (!/^\d+$/.test(id)) return null;
    try {
      return await orderHistory(ctx, profile, id);
    } catch (error) {
      // An unknown id is refused with a message we cannot rely on; the order book settles it.
      if (!(error instanceof BrokerError) || error.code !== 'BROKER_REJECTED') throw error;
      return (await orderBook(ctx, profile)).find((o) => o.brokerOrderId === id) ?? null;
    }
  }
  if (lookup.clientOrderId) {
    const matches = (await orderBook(ctx, profile)).filter((o) => o.clientOrderId === lookup.clientOrderId);
    return matches.at(-1) ?? null;
  }
  return null;
}

async function quotes(ctx: BrokerContext, profile: XtsProfile, symbols: string[]): Promise<Quote[]> {
  const wanted = symbols.map((symbol) => {
    const instrument = resolveInstrument(ctx, profile, symbol);
    const segment = segmentOf(instrument);
    return { symbol: instrument.symbol, segmentCode: SEGMENT_CODE[segment] ?? 0, instrumentId: instrument.token };
  });
  const out: Quote[] = [];
  for (let i = 0; i < wanted.length; i += QUOTES_BATCH) {
    const batch = wanted.slice(i, i + QUOTES_BATCH);
    const result = await xtsCall(ctx, profile, {
      api: 'marketData',
      method: 'POST',
      path: '/instruments/quotes',
      json: {
        instruments: batch.map((w) => ({ exchangeSegment: w.segmentCode, exchangeInstrumentID: Number(w.instrumentId) })),
        xtsMessageCode: 1502,
        publishFormat: 'JSON',
      },
    });
    const byKey = new Map(parseQuotes(result).map((q) => [`${q.segmentCode}:${q.instrumentId}`, q]));
    for (const w of batch) {
      const q = byKey.get(`${w.segmentCode}:${w.instrumentId}`);
      if (q) out.push({ symbol: w.symbol, last: q.last, bid: q.bid, ask: q.ask, at: q.at });
    }
  }
  return out;
}

/**
 * One adapter for every XTS deployment: the descriptor supplies the broker's name, hosts and
 * static-IP note; `roots` the interactive and market-data roots when a deployment moves them.
 */
export function createXtsAdapter(descriptor: BrokerDescriptor, roots: XtsRoots = DEFAULT_ROOTS): BrokerAdapter {
  const profile: XtsProfile = { descriptor, roots };
  const funds = async (ctx: BrokerContext) =>
    toFunds(await xtsCall(ctx, profile, { api: 'interactive', method: 'GET', path: '/user/balance' }), descriptor.currency);
  return {
    symbolDialect: 'yymmm',
    descriptor,
    rateLimits: xtsRateLimits(profile),
    fetchInstruments: (ctx) => fetchInstruments(ctx, profile),
    login: (ctx) => login(ctx, profile),

    async validate(ctx): Promise<AccountSummary> {
      const result = (await xtsCall(ctx, profile, { api: 'interactive', method: 'GET', path: '/user/profile' })) as Record<string, unknown> | undefined;
      const clientId = String(result?.ClientId ?? ctx.credentials[SESSION.clientId] ?? '');
      const investor = result?.IsInvestorClient !== false && ctx.credentials[SESSION.isInvestorClient] !== 'false';
      const buyingPower = investor ? (await funds(ctx)).available : 0;
      const clientType = typeof result?.ClientType === 'string' && result.ClientType ? ` (${result.ClientType})` : '';
      return {
        accountMasked: maskAccount(clientId),
        accountType: `${investor ? 'Retail' : 'Dealer'} XTS account${clientType}`,
        buyingPower,
        currency: descriptor.currency,
      };
    },

    funds,

    async placeOrder(ctx, order) {
      const instrument = resolveInstrument(ctx, profile, order.symbol);
      const result = (await xtsCall(ctx, profile, {
        api: 'interactive',
        method: 'POST',
        path: '/orders',
        json: orderBody(order, instrument, descriptor.name),
      })) as { AppOrderID?: unknown } | undefined;
      const id = result?.AppOrderID;
      if (typeof id !== 'number' && typeof id !== 'string') {
        throw new BrokerError('BROKER_REJECTED', `${descriptor.name} accepted the order but returned no AppOrderID; check the order book.`);
      }
      return { brokerOrderId: String(id), state: 'PENDING' };
    },

    async cancelOrder(ctx, brokerOrderId) {
      // XTS's cancel names the order's orderUniqueIdentifier too, so read it from the order first.
      const order = await findOrder(ctx, profile, { brokerOrderId });
      if (!order) throw new BrokerError('BROKER_REJECTED', `${descriptor.name} has no order ${brokerOrderId.slice(0, 24)} today.`);
      await xtsCall(ctx, profile, {
        api: 'interactive',
        method: 'DELETE',
        path: '/orders',
        query: { appOrderID: brokerOrderId, orderUniqueIdentifier: order.clientOrderId ?? '' },
      });
    },

    /** PUT /interactive/orders with the full new terms (XTS's modified* fields); the order keeps its AppOrderID. */
    async modifyOrder(ctx, brokerOrderId, _change, order) {
      const body = orderBody({ ...order, timeInForce: 'DAY' }, resolveInstrument(ctx, profile, order.symbol), descriptor.name);
      await xtsCall(ctx, profile, {
        api: 'interactive',
        method: 'PUT',
        path: '/orders',
        json: {
          appOrderID: Number(brokerOrderId),
          modifiedProductType: body.productType,
          modifiedOrderType: body.orderType,
          modifiedOrderQuantity: body.orderQuantity,
          modifiedDisclosedQuantity: 0,
          modifiedLimitPrice: body.limitPrice,
          modifiedStopPrice: body.stopPrice,
          modifiedTimeInForce: body.timeInForce,
          orderUniqueIdentifier: order.clientOrderId,
        },
      });
    },

    protectiveExits: xtsProtectiveExits(profile),
    getOrder: (ctx, lookup) => findOrder(ctx, profile, lookup),
    orders: (ctx) => orderBook(ctx, profile),

    async positions(ctx) {
      const result = await xtsCall(ctx, profile, {
        api: 'interactive',
        method: 'GET',
        path: '/portfolio/positions',
        query: { dayOrNet: 'NetWise' },
      });
      return toPositions(ctx, result);
    },

    quotes: (ctx, symbols) => quotes(ctx, profile, symbols),
    historyIntervals: xtsHistoryIntervals,
    history: (ctx, symbol, interval, from, to) => xtsHistory(ctx, profile, symbol, interval, from, to),
    holdings: (ctx) => holdings(ctx, profile),
    trades: (ctx) => trades(ctx, profile),
    sessionExpiry: (ctx) => expiryOf(ctx.credentials),
    marketStream: xtsMarketStream(profile),
    orderStream: xtsOrderStream,
  };
}
