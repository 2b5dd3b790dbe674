import { randomBytes } from 'node:crypto';
import type { SimExchange, SimOrder } from '../exchange';
import type { SimResponse } from '../harness';
import { fail, mandatory } from './auth';
import { amt, isPair, MIN_NOTIONAL, onStep, PAIRS, STEP_SIZE, TICK_SIZE, type Pair } from './market';
import { balances, orderCoreOf, orderIdOf } from './orders';

/**
 * Binance order lists (spot_api.yaml): `POST /api/v3/orderList/oco` (the current OCO endpoint; the legacy
 * `/api/v3/order/oco` is not simulated), `GET /api/v3/orderList` and `DELETE /api/v3/orderList`. An OCO is an "above" and
 * a "below" order: for a SELL the above is the LIMIT_MAKER take-profit and the below the STOP_LOSS(_LIMIT); for a BUY the
 * reverse. The price rule ("SELL: limit price > last price > stop price", "BUY: limit < last < stop") refuses with -2010
 * "The relationship of the prices for the orders is not correct." (as python-binance users quote it). When one leg fills
 * the other EXPIRES; cancelling one leg cancels the list.
 */
export interface SimOrderList {
  orderListId: number;
  listClientOrderId: string;
  symbol: Pair;
  /** Leg order ids in the list's order: below first, then above. */
  legs: string[];
  transactionTime: number;
}

const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const LEG_TYPES = new Set(['STOP_LOSS', 'STOP_LOSS_LIMIT', 'LIMIT_MAKER']);
const SIM_TYPE: Record<string, SimOrder['type']> = { STOP_LOSS: 'STOP', STOP_LOSS_LIMIT: 'STOP_LIMIT', LIMIT_MAKER: 'LIMIT' };
const randomClientId = () => randomBytes(16).toString('base64url').slice(0, 22);

export class BinanceOrderLists {
  readonly lists = new Map<number, SimOrderList>();
  private nextId = 1;

  constructor(private readonly ex: SimExchange) {}

  private legs(list: SimOrderList): SimOrder[] {
    return list.legs.map((id) => this.ex.get(id)!);
  }

  /** ALL_DONE once no leg works, else EXEC_STARTED / EXECUTING. */
  statusOf(list: SimOrderList) {
    const done = this.legs(list).every((o) => o.status !== 'OPEN');
    return {
      orderListId: list.orderListId,
      contingencyType: 'OCO',
      listStatusType: done ? 'ALL_DONE' : 'EXEC_STARTED',
      listOrderStatus: done ? 'ALL_DONE' : 'EXECUTING',
      listClientOrderId: list.listClientOrderId,
      transactionTime: list.transactionTime,
      symbol: list.symbol,
      orders: this.legs(list).map((o) => ({ symbol: o.symbol, orderId: orderIdOf(o), clientOrderId: o.clientOrderId ?? '' })),
    };
  }

  /** The list with an order report per leg: a new list's reports carry workingTime, a cancelled one's origClientOrderId. */
  private withReports(list: SimOrderList, now: number, cancelled = false) {
    const report = (o: SimOrder) => {
      const base = { ...orderCoreOf(o), transactTime: now, stopPrice: amt(o.stopPrice ?? 0) };
      if (cancelled) return { ...base, origClientOrderId: o.clientOrderId ?? '', clientOrderId: randomClientId() };
      // A LIMIT_MAKER works at once; a stop only once triggered.
      return { ...base, workingTime: o.extra.type === 'LIMIT_MAKER' ? o.createdAt : -1 };
    };
    return { ...this.statusOf(list), orderReports: this.legs(list).map(report) };
  }

  find(p: URLSearchParams): SimOrderList | 'missing-param' | null {
    const id = p.get('orderListId');
    const clientId = p.get('origClientOrderId') ?? p.get('listClientOrderId');
    if (!id && !clientId) return 'missing-param';
    if (id) return this.lists.get(Number(id)) ?? null;
    return [...this.lists.values()].filter((l) => l.listClientOrderId === clientId).pop() ?? null;
  }

  /** POST /api/v3/orderList/oco: Binance's checks in its order, then both legs at once. */
  placeOco(p: URLSearchParams, now: number): SimResponse {
    for (const name of ['symbol', 'side', 'quantity', 'aboveType', 'belowType']) if (!p.get(name)) return mandatory(name);
    const symbol = p.get('symbol')!;
    if (!isPair(symbol)) return fail(400, -1121, 'Invalid symbol.');
    const side = p.get('side')!;
    if (side !== 'BUY' && side !== 'SELL') return fail(400, -1117, 'Invalid side.');
    const legs = (['above', 'below'] as const).map((at) => ({
      at,
      type: p.get(`${at}Type`)!,
      price: p.get(`${at}Price`),
      stop: p.get(`${at}StopPrice`),
      tif: p.get(`${at}TimeInForce`),
      clientId: p.get(`${at}ClientOrderId`) ?? randomClientId(),
    }));
    for (const leg of legs) {
      if (!LEG_TYPES.has(leg.type)) return fail(400, -1116, 'Invalid orderType.');
      if (leg.type !== 'LIMIT_MAKER' && !leg.stop) return mandatory(`${leg.at}StopPrice`);
      if (leg.type !== 'STOP_LOSS' && !leg.price) return mandatory(`${leg.at}Price`);
      if (leg.type === 'STOP_LOSS' && leg.price) return fail(400, -1106, `Parameter '${leg.at}Price' sent when not required.`);
      if (leg.type === 'STOP_LOSS_LIMIT' && !leg.tif) return mandatory(`${leg.at}TimeInForce`);
      if (!CLIENT_ID.test(leg.clientId))
        return fail(400, -1100, `Illegal characters found in parameter '${leg.at}ClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.`);
    }
    const [above, below] = legs as [(typeof legs)[0], (typeof legs)[0]];
    // One leg of each kind: SELL puts the LIMIT_MAKER above, BUY below.
    const makerAt = side === 'SELL' ? above : below;
    const stopAt = side === 'SELL' ? below : above;
    if (makerAt.type !== 'LIMIT_MAKER' || stopAt.type === 'LIMIT_MAKER') return fail(400, -1167, 'Unsupported order combination.');
    const quantity = Number(p.get('quantity'));
    const prices = [makerAt.price, stopAt.stop, stopAt.price].filter((v): v is string => v !== null).map(Number);
    if (prices.some((v) => !(v > 0) || !onStep(v, TICK_SIZE))) return fail(400, -1013, 'Filter failure: PRICE_FILTER');
    if (!(quantity >= STEP_SIZE) || !onStep(quantity, STEP_SIZE)) return fail(400, -1013, 'Filter failure: LOT_SIZE');
    const limitPrice = Number(makerAt.price);
    const stopPrice = Number(stopAt.stop);
    if (quantity * Math.min(limitPrice, stopPrice) < MIN_NOTIONAL) return fail(400, -1013, 'Filter failure: NOTIONAL');
    const last = this.ex.price(symbol);
    const ordered = side === 'SELL' ? limitPrice > last && last > stopPrice : limitPrice < last && last < stopPrice;
    if (!ordered) return fail(400, -2010, 'The relationship of the prices for the orders is not correct.');
    const listClientOrderId = p.get('listClientOrderId') ?? randomClientId();
    const openList = [...this.lists.values()].some((l) => l.listClientOrderId === listClientOrderId && this.statusOf(l).listOrderStatus !== 'ALL_DONE');
    if (openList) return fail(400, -2010, 'Duplicate order sent.');
    const free = (asset: string) => Number(balances(this.ex).find((b) => b.asset === asset)?.free ?? 0);
    const short = side === 'BUY' ? quantity * Math.max(limitPrice, stopPrice) > free('USDT') : quantity > free(PAIRS[symbol].base);
    if (short) return fail(400, -2010, 'Account has insufficient balance for requested action.');
    const orderListId = this.nextId++;
    const placed = [below, above].map((leg) =>
      this.ex.place({
        symbol,
        side,
        quantity,
        type: SIM_TYPE[leg.type]!,
        limitPrice: leg.price === null ? null : Number(leg.price),
        stopPrice: leg.stop === null ? null : Number(leg.stop),
        clientOrderId: leg.clientId,
        // The stop leg locks the same balance as the limit maker; both wait until the list is linked.
        extra: {
          type: leg.type,
          timeInForce: leg.tif ?? 'GTC',
          orderListId: String(orderListId),
          held: '1',
          ...(leg === stopAt ? { sharesWith: 'list' } : {}),
        },
      }),
    );
    const list: SimOrderList = { orderListId, listClientOrderId, symbol, legs: placed.map((o) => o.id), transactionTime: now };
    this.lists.set(orderListId, list);
    this.ex.linkExit({ id: `list-${orderListId}`, entry: null, legs: list.legs });
    return { json: this.withReports(list, now) };
  }

  get(p: URLSearchParams): SimResponse {
    const list = this.find(p);
    if (list === 'missing-param') return fail(400, -1102, "Param 'origClientOrderId' or 'orderListId' must be sent, but both were empty/null!");
    return list ? { json: this.statusOf(list) } : fail(400, -2013, 'Order list does not exist.');
  }

  cancel(p: URLSearchParams, now: number): SimResponse {
    if (!p.get('symbol')) return mandatory('symbol');
    const list = this.find(p);
    if (list === 'missing-param') return fail(400, -1102, "Param 'listClientOrderId' or 'orderListId' must be sent, but both were empty/null!");
    const working = list && list.symbol === p.get('symbol') ? this.legs(list).find((o) => o.status === 'OPEN') : undefined;
    if (!list || !working) return fail(400, -2011, 'Unknown order list sent.');
    this.ex.cancel(working.id); // the exchange cancels the sibling with it
    return { json: this.withReports(list, now, true) };
  }
}
