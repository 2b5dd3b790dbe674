import type { SimOrder, SimOrderType } from '../exchange';
import type { SimRouter, SimRequest, SimResponse } from '../harness';
import { guard, jsonBody } from './guard';
import { findInstrument, instrumentBySymbol } from './instruments';
import { badRequest, CODES, error, success } from './responses';
import { istDmy, istIso, loginBody, type XtsSimState } from './state';

const ROOT = '/interactive';
const SEGMENTS = ['NSECM', 'NSEFO', 'NSECD', 'BSECM', 'BSEFO', 'MCXFO'];
const PRODUCTS = ['MIS', 'NRML', 'CNC'];
const ORDER_TYPES: Record<string, SimOrderType> = { MARKET: 'MARKET', LIMIT: 'LIMIT', STOPMARKET: 'STOP', STOPLIMIT: 'STOP_LIMIT' };
const TYPE_OUT: Record<SimOrderType, string> = { MARKET: 'Market', LIMIT: 'Limit', STOP: 'StopMarket', STOP_LIMIT: 'StopLimit' };

function statusOf(order: SimOrder): string {
  if (order.status === 'OPEN') return order.type === 'STOP' || order.type === 'STOP_LIMIT' ? 'Trigger Pending' : 'New';
  return { FILLED: 'Filled', CANCELLED: 'Cancelled', REJECTED: 'Rejected' }[order.status];
}

/** An order-book row with the field names of XTS's OrderBook response. */
export function orderRow(state: XtsSimState, order: SimOrder, asNew = false): Record<string, unknown> {
  const instrument = instrumentBySymbol(order.symbol)!;
  const filled = asNew ? 0 : order.filledQuantity;
  const at = asNew ? order.createdAt : order.updatedAt;
  return {
    LoginID: state.clientCode,
    ClientID: order.extra.clientID ?? state.clientCode,
    AppOrderID: state.appOrderId(order.id),
    OrderReferenceID: '',
    GeneratedBy: 'TWSAPI',
    ExchangeOrderID: asNew || order.status === 'REJECTED' ? '' : `1100000${order.id}`,
    OrderCategoryType: order.extra.category ?? 'NORMAL',
    ExchangeSegment: instrument.segment,
    ExchangeInstrumentID: instrument.id,
    OrderSide: order.side,
    OrderType: TYPE_OUT[order.type],
    ProductType: order.extra.productType,
    TimeInForce: order.extra.timeInForce,
    OrderPrice: order.limitPrice ?? 0,
    OrderQuantity: order.quantity,
    OrderStopPrice: order.stopPrice ?? 0,
    OrderStatus: asNew ? 'New' : statusOf(order),
    OrderAverageTradedPrice: !asNew && order.averagePrice !== null ? order.averagePrice.toFixed(2) : '',
    LeavesQuantity: order.status === 'OPEN' || asNew ? order.quantity - filled : 0,
    CumulativeQuantity: filled,
    OrderDisclosedQuantity: 0,
    OrderGeneratedDateTime: istIso(order.createdAt),
    ExchangeTransactTime: istDmy(at),
    LastUpdateDateTime: istIso(at),
    OrderExpiryDate: '01-01-1980 00:00:00',
    CancelRejectReason: asNew ? '' : (order.rejectReason ?? ''),
    OrderUniqueIdentifier: order.clientOrderId ?? '',
    OrderLegStatus: 'SingleOrderLeg',
    MessageCode: 9004,
    MessageVersion: 4,
    TokenID: 0,
    ApplicationType: 0,
    TradingSymbol: instrument.segment.endsWith('CM') ? `${instrument.name}-${instrument.series}` : instrument.description,
  };
}

function placeOrder(state: XtsSimState, req: SimRequest): SimResponse {
  const body = jsonBody(req);
  if (!body) return badRequest('body', '"body" must be a JSON object');
  const need = (field: string, ok: boolean, message: string) => (ok ? null : badRequest(field, `"${field}" ${message}`));
  const segment = String(body.exchangeSegment ?? '');
  const quantity = body.orderQuantity;
  const type = ORDER_TYPES[String(body.orderType ?? '')];
  const invalid =
    need('exchangeSegment', SEGMENTS.includes(segment), `must be one of [${SEGMENTS.join(', ')}]`) ??
    need('exchangeInstrumentID', Number.isInteger(Number(body.exchangeInstrumentID)), 'must be a number') ??
    need('productType', PRODUCTS.includes(String(body.productType)), `must be one of [${PRODUCTS.join(', ')}]`) ??
    need('orderType', !!type, 'must be one of [MARKET, LIMIT, STOPMARKET, STOPLIMIT]') ??
    need('orderSide', body.orderSide === 'BUY' || body.orderSide === 'SELL', 'must be one of [BUY, SELL]') ??
    need('timeInForce', body.timeInForce === 'DAY' || body.timeInForce === 'IOC', 'must be one of [DAY, IOC]') ??
    need('orderQuantity', typeof quantity === 'number' && Number.isInteger(quantity) && quantity > 0, 'must be a positive integer') ??
    need('limitPrice', typeof body.limitPrice === 'number', 'must be a number') ??
    need('stopPrice', typeof body.stopPrice === 'number', 'must be a number') ??
    need('orderUniqueIdentifier', typeof body.orderUniqueIdentifier === 'string', 'is required');
  if (invalid) return invalid;
  const instrument = findInstrument(segment, Number(body.exchangeInstrumentID));
  if (!instrument) return error(400, CODES.orderRejected, 'Instrument not found');
  const qty = quantity as number;
  if (qty % instrument.lotSize !== 0) {
    return error(400, CODES.orderRejected, `Order quantity should be in multiples of lot size ${instrument.lotSize}`);
  }
  const limitPrice = type === 'LIMIT' || type === 'STOP_LIMIT' ? (body.limitPrice as number) : null;
  const stopPrice = type === 'STOP' || type === 'STOP_LIMIT' ? (body.stopPrice as number) : null;
  if ((limitPrice !== null && limitPrice <= 0) || (stopPrice !== null && stopPrice <= 0)) {
    return error(400, CODES.orderRejected, 'Price should be greater than zero');
  }
  const order = state.exchange.place({
    symbol: instrument.symbol,
    side: body.orderSide as 'BUY' | 'SELL',
    quantity: qty,
    type: type!,
    limitPrice,
    stopPrice,
    clientOrderId: body.orderUniqueIdentifier as string,
    extra: {
      productType: String(body.productType),
      timeInForce: String(body.timeInForce),
      ...(typeof body.clientID === 'string' ? { clientID: body.clientID } : {}),
    },
  });
  return success('s-orders-0001', 'Request sent', {
    AppOrderID: state.appOrderId(order.id),
    OrderUniqueIdentifier: order.clientOrderId,
    ClientID: order.extra.clientID ?? state.clientCode,
  });
}

function orders(state: XtsSimState, req: SimRequest): SimResponse {
  const appOrderID = req.query.get('appOrderID');
  if (appOrderID === null)
    return success(
      's-orders-0001',
      'Success order book',
      state.exchange.list().map((o) => orderRow(state, o)),
    );
  const simId = state.simId(Number(appOrderID));
  const order = simId ? state.exchange.get(simId) : undefined;
  if (!order) return error(400, CODES.orderRejected, 'Order not found');
  const history = [orderRow(state, order, true)];
  if (order.status !== 'OPEN') history.push(orderRow(state, order));
  return success('s-orders-0001', 'Success order history', history);
}

function cancelOrder(state: XtsSimState, req: SimRequest): SimResponse {
  const appOrderID = Number(req.query.get('appOrderID'));
  if (!Number.isInteger(appOrderID) || appOrderID <= 0) return badRequest('appOrderID', '"appOrderID" must be a number');
  const simId = state.simId(appOrderID);
  const order = simId ? state.exchange.get(simId) : undefined;
  if (!order) return error(400, CODES.orderRejected, 'Order not found');
  if (!state.exchange.cancel(order.id)) {
    return error(400, CODES.orderRejected, `Order cannot be cancelled: order is already ${statusOf(order)}`);
  }
  return success('s-orders-0001', 'Request sent', { AppOrderID: appOrderID, OrderUniqueIdentifier: order.clientOrderId ?? '' });
}

/** PUT /interactive/orders: appOrderID, modifiedProductType, modifiedOrderType, modifiedOrderQuantity, modifiedLimitPrice, modifiedStopPrice, modifiedTimeInForce, orderUniqueIdentifier. */
function modifyOrder(state: XtsSimState, req: SimRequest): SimResponse {
  const body = jsonBody(req);
  if (!body) return badRequest('body', '"body" must be a JSON object');
  const need = (field: string, ok: boolean, message: string) => (ok ? null : badRequest(field, `"${field}" ${message}`));
  const appOrderID = Number(body.appOrderID);
  const quantity = body.modifiedOrderQuantity;
  const type = ORDER_TYPES[String(body.modifiedOrderType ?? '')];
  const invalid =
    need('appOrderID', Number.isInteger(appOrderID) && appOrderID > 0, 'must be a number') ??
    need('modifiedProductType', PRODUCTS.includes(String(body.modifiedProductType)), `must be one of [${PRODUCTS.join(', ')}]`) ??
    need('modifiedOrderType', !!type, 'must be one of [MARKET, LIMIT, STOPMARKET, STOPLIMIT]') ??
    need('modifiedOrderQuantity', typeof quantity === 'number' && Number.isInteger(quantity) && quantity > 0, 'must be a positive integer') ??
    need('modifiedLimitPrice', typeof body.modifiedLimitPrice === 'number', 'must be a number') ??
    need('modifiedStopPrice', typeof body.modifiedStopPrice === 'number', 'must be a number') ??
    need('modifiedTimeInForce', body.modifiedTimeInForce === 'DAY' || body.modifiedTimeInForce === 'IOC', 'must be one of [DAY, IOC]') ??
    need('orderUniqueIdentifier', typeof body.orderUniqueIdentifier === 'string', 'is required');
  if (invalid) return invalid;
  const simId = state.simId(appOrderID);
  const order = simId ? state.exchange.get(simId) : undefined;
  if (!order) return error(400, CODES.orderRejected, 'Order not found');
  if (order.status !== 'OPEN') return error(400, CODES.orderRejected, `Order cannot be modified: order is already ${statusOf(order)}`);
  const instrument = instrumentBySymbol(order.symbol);
  if (instrument && (quantity as number) % instrument.lotSize !== 0) {
    return error(400, CODES.orderRejected, `Order quantity should be in multiples of lot size ${instrument.lotSize}`);
  }
  const limitPrice = type === 'LIMIT' || type === 'STOP_LIMIT' ? (body.modifiedLimitPrice as number) : null;
  const stopPrice = type === 'STOP' || type === 'STOP_LIMIT' ? (body.modifiedStopPrice as number) : null;
  if ((limitPrice !== null && limitPrice <= 0) || (stopPrice !== null && stopPrice <= 0)) {
    return error(400, CODES.orderRejected, 'Price should be greater than zero');
  }
  state.exchange.modify(order.id, { quantity: quantity as number, type: type!, limitPrice, stopPrice });
  return success('s-orders-0001', 'Request sent', { AppOrderID: appOrderID, OrderUniqueIdentifier: order.clientOrderId ?? '' });
}

function positions(state: XtsSimState): SimResponse {
  const positionList = state.exchange.positionList().map((p) => {
    const instrument = instrumentBySymbol(p.symbol)!;
    const price = state.exchange.price(p.symbol);
    const unrealized = (price - p.averagePrice) * p.quantity;
    const money = (n: number) => n.toFixed(2);
    return {
      AccountID: state.clientCode,
      TradingSymbol: instrument.segment.endsWith('CM') ? `${instrument.name}-${instrument.series}` : instrument.description,
      ExchangeSegment: instrument.segment,
      ExchangeInstrumentID: String(instrument.id),
      ProductType: 'CNC',
      Marketlot: String(instrument.lotSize),
      Multiplier: '1',
      BuyAveragePrice: money(p.quantity > 0 ? p.averagePrice : 0),
      SellAveragePrice: money(p.quantity < 0 ? p.averagePrice : 0),
      LongPosition: String(Math.max(p.quantity, 0)),
      ShortPosition: String(Math.max(-p.quantity, 0)),
      NetPosition: String(p.quantity),
      Quantity: String(p.quantity),
      BuyValue: money(Math.max(p.quantity, 0) * p.averagePrice),
      SellValue: money(Math.max(-p.quantity, 0) * p.averagePrice),
      NetValue: money(-p.quantity * p.averagePrice),
      UnrealizedMTM: money(unrealized),
      RealizedMTM: money(p.realizedPnl),
      MTM: money(unrealized + p.realizedPnl),
      BEP: money(p.averagePrice),
      LoginID: state.clientCode,
    };
  });
  return success('s-portfolio-0005', 'Get Position by Net', { positionList });
}

function balance(state: XtsSimState): SimResponse {
  if (state.dealer) return error(400, CODES.badRequest, 'Balance API available for retail API users only');
  const used = state.exchange.positionList().reduce((sum, p) => sum + Math.abs(p.quantity * p.averagePrice), 0);
  const cash = state.exchange.cash;
  const s = (n: number) => n.toFixed(2);
  return success('s-user-0001', 'Get Balance Success', {
    BalanceList: [
      {
        limitHeader: 'ALL|ALL|ALL',
        limitObject: {
          RMSSubLimits: {
            cashAvailable: s(cash + used),
            collateral: 0,
            marginUtilized: s(used),
            netMarginAvailable: s(cash),
            MTM: 0,
            UnrealizedMTM: 0,
            RealizedMTM: 0,
          },
          marginAvailable: {
            CashMarginAvailable: s(cash),
            AdhocMargin: 'NaN',
            NotinalCash: '0',
            PayInAmount: '0',
            PayOutAmount: '0',
            CNCSellBenifit: '0',
            DirectCollateral: '0',
            HoldingCollateral: '0',
          },
          marginUtilized: { GrossExposureMarginPresent: s(used), SpanMarginPresent: '0', OptionPremium: '0', VarELMarginPresent: '0' },
          limitsAssigned: { CNCLimit: '0', MISLimit: '0', NRMLLimit: '0' },
          AccountID: state.clientCode,
        },
      },
    ],
  });
}

export function interactiveRoutes(router: SimRouter, state: XtsSimState): void {
  router.on('POST', `${ROOT}/user/session`, (req) => {
    const body = loginBody(req);
    const { interactiveAppKey, interactiveSecretKey } = state.credentials;
    if (!body.appKey) return badRequest('appKey', '"appKey" is required');
    if (!body.secretKey) return badRequest('secretKey', '"secretKey" is required');
    if (!body.source && !body.accessToken) return badRequest('source', '"source" is required');
    if (body.appKey !== interactiveAppKey || body.secretKey !== interactiveSecretKey) {
      return error(400, CODES.invalidLogin, 'Invalid appKey or secretKey');
    }
    if (body.source && body.source.toUpperCase() !== 'WEBAPI') return error(400, CODES.invalidLogin, 'Invalid source');
    return success('s-user-0001', 'Valid User.', {
      enums: { socketEvent: [], orderSide: ['BUY', 'SELL'], orderSource: ['WEBAPI'], dayOrNet: ['DayWise', 'NetWise'], exchangeSegment: {} },
      clientCodes: state.dealer ? state.dealerClients : [state.clientCode],
      exchangeSegmentArray: [
        { key: 'NSECM', value: 1 },
        { key: 'NSEFO', value: 2 },
        { key: 'BSECM', value: 11 },
        { key: 'MCXFO', value: 51 },
      ],
      token: state.issue('interactive'),
      userID: state.clientCode,
      isInvestorClient: !state.dealer,
      isOneTouchUser: false,
    });
  });
  router.on(
    'DELETE',
    `${ROOT}/user/session`,
    guard(state, 'interactive', {}, () => {
      state.logout('interactive');
      return success('s-user-0002', 'User logged out successfully', {});
    }),
  );
  router.on(
    'GET',
    `${ROOT}/user/profile`,
    guard(state, 'interactive', { read: 'profile' }, () =>
      success('s-user-0001', 'Get Profile Success', {
        ClientId: state.clientCode,
        ClientName: 'SIMULATED TRADER',
        EmailId: 'trader@example.invalid',
        PAN: 'ABCPX1234K',
        ClientType: 'Individual',
        ClientStatus: 'Active',
        IsInvestorClient: !state.dealer,
        IsProClient: state.dealer,
        OrderTypesAssigned: ['Market', 'Limit', 'StopMarket', 'StopLimit'],
        ProductsAssigned: ['CNC', 'MIS', 'NRML'],
        ClientExchangeDetailsList: { NSECM: { ClientID: state.clientCode, Enabled: true }, NSEFO: { ClientID: state.clientCode, Enabled: true } },
      }),
    ),
  );
  router.on(
    'GET',
    `${ROOT}/user/balance`,
    guard(state, 'interactive', { read: 'balance' }, () => balance(state)),
  );
  router.on(
    'POST',
    `${ROOT}/orders`,
    guard(state, 'interactive', { order: true }, (req) => placeOrder(state, req)),
  );
  router.on(
    'POST',
    `${ROOT}/orders/bracket`,
    guard(state, 'interactive', { order: true }, (req) => state.brackets.place(req, (id) => state.appOrderId(id))),
  );
  router.on(
    'DELETE',
    `${ROOT}/orders/bracket`,
    guard(state, 'interactive', { order: true }, (req) => state.brackets.cancel(state.simId(Number(req.query.get('boEntryOrderId'))))),
  );
  router.on(
    'PUT',
    `${ROOT}/orders`,
    guard(state, 'interactive', { order: true }, (req) => modifyOrder(state, req)),
  );
  router.on(
    'DELETE',
    `${ROOT}/orders`,
    guard(state, 'interactive', { order: true }, (req) => cancelOrder(state, req)),
  );
  router.on(
    'GET',
    `${ROOT}/orders`,
    guard(state, 'interactive', { read: 'orderbook' }, (req) => orders(state, req)),
  );
  router.on(
    'GET',
    `${ROOT}/orders/trades`,
    guard(state, 'interactive', { read: 'tradebook' }, () =>
      success(
        's-trades-0001',
        'Success trade book',
        // Today's fills: the book starts empty after the exchange settles a day.
        state.exchange.tradeList().map((f) => ({
          ...orderRow(state, state.exchange.get(f.orderId)!),
          ExecutionID: `T${f.orderId}`,
          LastTradedPrice: f.price,
          LastTradedQuantity: f.quantity,
          LastExecutionTransactTime: istDmy(f.at),
        })),
      ),
    ),
  );
  // Holdings keyed by ISIN under RMSHoldings, each with its NSE and BSE instrument ids, as XTS sends them.
  router.on(
    'GET',
    `${ROOT}/portfolio/holdings`,
    guard(state, 'interactive', {}, () => {
      const holdings: Record<string, unknown> = {};
      for (const h of state.exchange.holdingList()) {
        const instrument = instrumentBySymbol(h.symbol)!;
        const isin = instrument.isin ?? `INE${String(instrument.id).padStart(6, '0')}01010`;
        holdings[isin] = {
          ISIN: isin,
          HoldingQuantity: h.quantity,
          UsedHoldingQuantity: 0,
          CollateralQuantity: 0,
          ExchangeNSEInstrumentId: instrument.segment === 'NSECM' ? instrument.id : 0,
          ExchangeBSEInstrumentId: instrument.segment === 'BSECM' ? instrument.id : 0,
          BuyAvgPrice: h.averagePrice,
          IsCollateralHolding: false,
          IsNeedToDelete: false,
          CreatedOn: istIso(state.clock.now()),
          LastUpdatedOn: istIso(state.clock.now()),
        };
      }
      return success('s-holdings-0001', 'Success holdings', { RMSHoldings: { Holdings: holdings } });
    }),
  );
  router.on(
    'GET',
    `${ROOT}/portfolio/positions`,
    guard(state, 'interactive', {}, (req) => {
      const mode = req.query.get('dayOrNet');
      if (mode !== 'NetWise' && mode !== 'DayWise') return badRequest('dayOrNet', '"dayOrNet" must be one of [DayWise, NetWise]');
      return positions(state);
    }),
  );
}
