import type { Clock } from '../../../src/main/clock';
import type { SimExchange, SimOrder } from '../exchange';
import type { SimRequest, SimResponse } from '../harness';
import { dhanError, inputError, orderError } from './replies';
import { findScrip, type SimScrip } from './scrip';
import { dhanTime } from './trading';

/**
 * Dhan's own exit orders on the shared exchange (dhanhq.co/docs/v2/forever, /v2/super-order; DhanHQ-py
 * `_forever_order.py`, `_super_order.py`):
 * - Forever orders (`POST/GET /v2/forever/orders`, `DELETE /v2/forever/orders/{id}`): SINGLE or OCO, CNC/MTF only.
 *   An OCO's first leg (`price`, `triggerPrice`, `quantity`) is the target and its second (`price1`, `triggerPrice1`,
 *   `quantity1`) the stop loss (per the dhan-ts docs; unconfirmed). While waiting a leg's row is `CONFIRM`
 *   (unconfirmed); when the LTP reaches a trigger the leg's order is placed in the order book (same correlationId,
 *   its `legName`), its row turns `TRIGGERED` and the sibling's `CANCELLED`.
 * - Super orders (`POST/GET /v2/super/orders`, `DELETE /v2/super/orders/{id}/{leg}`): an entry order whose target
 *   (LIMIT) and stop loss (stop-market) legs are placed once it fills; a fill of one cancels the other; with a
 *   `trailingJump` the stop moves by that jump each time the price moves a jump further in the trade's favour.
 * Each leg is an order of the shared exchange, so its fills come from the price path and its order updates go out
 * on the order-update socket like any order.
 */

type Leg = 'TARGET_LEG' | 'STOP_LOSS_LEG';

interface ForeverLeg {
  legName: Leg;
  price: number;
  triggerPrice: number;
  quantity: number;
  status: 'CONFIRM' | 'TRIGGERED' | 'CANCELLED';
  /** The order it placed once triggered. */
  orderId: string | null;
}

interface Forever {
  orderId: string;
  correlationId: string;
  orderFlag: 'SINGLE' | 'OCO';
  scrip: SimScrip;
  side: 'BUY' | 'SELL';
  productType: string;
  orderType: string;
  validity: string;
  /** LTP at placement: a SINGLE trigger fires when the price crosses it from this side. */
  lastPrice: number;
  legs: ForeverLeg[];
  createdAt: number;
  updatedAt: number;
}

interface Super {
  orderId: string;
  correlationId: string;
  scrip: SimScrip;
  side: 'BUY' | 'SELL';
  productType: string;
  quantity: number;
  targetPrice: number;
  stopLossPrice: number;
  trailingJump: number;
  /** The best price since the stop was armed (trailing). */
  best: number;
  /** Legs once the entry filled: order ids on the exchange. */
  target: string | null;
  stop: string | null;
  /** A leg cancelled before it was armed (the entry was cancelled, or the whole super order). */
  cancelled: boolean;
}

const FOREVER_PRODUCTS = new Set(['CNC', 'MTF']);
const SUPER_PRODUCTS = new Set(['CNC', 'INTRADAY', 'MARGIN', 'MTF']);
const STATUS: Record<SimOrder['status'], string> = { OPEN: 'PENDING', FILLED: 'TRADED', CANCELLED: 'CANCELLED', REJECTED: 'REJECTED' };
const NO_ORDER = dhanError(400, 'Data_Error', 'DH-907', 'No order found for the given order id');

function body(req: SimRequest): Record<string, unknown> | null {
  try {
    return req.json<Record<string, unknown>>();
  } catch {
    return null;
  }
}

export class DhanExitBook {
  readonly forever = new Map<string, Forever>();
  readonly supers = new Map<string, Super>();
  private nextForever = 1;

  constructor(
    private readonly clock: Clock,
    private readonly exchange: SimExchange,
    private readonly clientId: string,
  ) {}

  // ---- forever orders ----

  placeForever(req: SimRequest): SimResponse {
    const b = body(req);
    if (!b) return inputError('Invalid JSON body');
    if (b.dhanClientId !== this.clientId) return inputError('dhanClientId does not match the access token');
    const flag = b.orderFlag;
    if (flag !== 'SINGLE' && flag !== 'OCO') return inputError('Invalid orderFlag');
    if (b.transactionType !== 'BUY' && b.transactionType !== 'SELL') return inputError('Invalid transactionType');
    if (!FOREVER_PRODUCTS.has(String(b.productType))) return inputError('Forever orders are allowed for CNC and MTF products only');
    if (b.orderType !== 'LIMIT' && b.orderType !== 'MARKET') return inputError('Invalid orderType');
    if (b.validity !== 'DAY' && b.validity !== 'IOC') return inputError('Invalid validity');
    const scrip = findScrip(b.exchangeSegment, b.securityId);
    if (!scrip || scrip.exchangeSegment === 'IDX_I') return orderError('Invalid Security ID for the exchange segment');
    const last = this.exchange.price(scrip.symbol);
    const leg = (legName: Leg, price: unknown, trigger: unknown, quantity: unknown): ForeverLeg | string => {
      const q = Number(quantity);
      const p = Number(price);
      const t = Number(trigger);
      if (!Number.isInteger(q) || q <= 0) return 'Invalid quantity';
      if (!(t > 0)) return 'Trigger price is required for forever orders';
      if (b.orderType === 'LIMIT' && !(p > 0)) return 'Price is required for LIMIT orders';
      if (t === last) return 'Trigger price cannot be equal to the last traded price';
      return { legName, price: p, triggerPrice: t, quantity: q, status: 'CONFIRM', orderId: null };
    };
    // A SINGLE leg above the price is a SELL's target (a BUY's stop), below it the other way round.
    const single: Leg = Number(b.triggerPrice) > last === (b.transactionType === 'SELL') ? 'TARGET_LEG' : 'STOP_LOSS_LEG';
    const legs: (ForeverLeg | string)[] =
      flag === 'SINGLE'
        ? [leg(single, b.price, b.triggerPrice, b.quantity)]
        : [leg('TARGET_LEG', b.price, b.triggerPrice, b.quantity), leg('STOP_LOSS_LEG', b.price1, b.triggerPrice1, b.quantity1)];
    const refused = legs.find((l): l is string => typeof l === 'string');
    if (refused) return inputError(refused);
    const parsed = legs as ForeverLeg[];
    if (flag === 'OCO') {
      const [target, stop] = parsed as [ForeverLeg, ForeverLeg];
      // A SELL OCO protects a long: target above and stop below the last price; a BUY OCO the other way round.
      const ok = b.transactionType === 'SELL' ? target.triggerPrice > last && stop.triggerPrice < last : target.triggerPrice < last && stop.triggerPrice > last;
      if (!ok) return inputError('For an OCO order the target trigger and the stop loss trigger must be on either side of the last traded price');
    }
    const now = this.clock.now();
    const orderId = `1${String(this.nextForever++).padStart(11, '0')}`;
    this.forever.set(orderId, {
      orderId,
      correlationId: typeof b.correlationId === 'string' ? b.correlationId : '',
      orderFlag: flag,
      scrip,
      side: b.transactionType,
      productType: String(b.productType),
      orderType: String(b.orderType),
      validity: String(b.validity),
      lastPrice: last,
      legs: parsed,
      createdAt: now,
      updatedAt: now,
    });
    return { json: { orderId, orderStatus: 'PENDING' } };
  }

  listForever(): SimResponse {
    this.settle();
    const rows = [...this.forever.values()].flatMap((f) =>
      f.legs.map((l) => ({
        dhanClientId: this.clientId,
        orderId: f.orderId,
        correlationId: f.correlationId,
        orderStatus: l.status,
        orderFlag: f.orderFlag,
        transactionType: f.side,
        exchangeSegment: f.scrip.exchangeSegment,
        productType: f.productType,
        orderType: f.orderType,
        tradingSymbol: f.scrip.tradingSymbol,
        securityId: f.scrip.securityId,
        quantity: l.quantity,
        price: l.price,
        triggerPrice: l.triggerPrice,
        legName: l.legName,
        createTime: dhanTime(f.createdAt),
        updateTime: dhanTime(f.updatedAt),
        exchangeTime: l.status === 'TRIGGERED' ? dhanTime(f.updatedAt) : null,
        drvExpiryDate: null,
        drvOptionType: null,
        drvStrikePrice: 0,
      })),
    );
    return { json: rows };
  }

  cancelForever(id: string): SimResponse {
    this.settle();
    const f = this.forever.get(id);
    if (!f) return NO_ORDER;
    if (!f.legs.some((l) => l.status === 'CONFIRM')) return orderError('Forever order is already TRIGGERED or CANCELLED and cannot be cancelled');
    for (const l of f.legs) if (l.status === 'CONFIRM') l.status = 'CANCELLED';
    f.updatedAt = this.clock.now();
    return { json: { orderId: id, orderStatus: 'CANCELLED' } };
  }

  // ---- super orders ----

  placeSuper(req: SimRequest): SimResponse {
    const b = body(req);
    if (!b) return inputError('Invalid JSON body');
    if (b.dhanClientId !== this.clientId) return inputError('dhanClientId does not match the access token');
    if (b.transactionType !== 'BUY' && b.transactionType !== 'SELL') return inputError('Invalid transactionType');
    if (!SUPER_PRODUCTS.has(String(b.productType))) return inputError('Invalid productType');
    if (b.orderType !== 'LIMIT' && b.orderType !== 'MARKET') return inputError('Super orders are LIMIT or MARKET orders');
    const scrip = findScrip(b.exchangeSegment, b.securityId);
    if (!scrip || scrip.exchangeSegment === 'IDX_I') return orderError('Invalid Security ID for the exchange segment');
    const quantity = Number(b.quantity);
    if (!Number.isInteger(quantity) || quantity <= 0) return inputError('Invalid quantity');
    const price = b.orderType === 'LIMIT' ? Number(b.price) : this.exchange.price(scrip.symbol);
    if (!(price > 0)) return inputError('Price is required for LIMIT orders');
    const target = Number(b.targetPrice);
    const stop = Number(b.stopLossPrice);
    const jump = Number(b.trailingJump ?? 0);
    if (!(target > 0) || !(stop > 0)) return inputError('Target price and stop loss price are required for a super order');
    if (!(jump >= 0)) return inputError('Invalid trailingJump');
    if (b.transactionType === 'BUY' && !(target > price && stop < price)) {
      return inputError('For a BUY super order the target price must be above and the stop loss price below the entry price');
    }
    if (b.transactionType === 'SELL' && !(target < price && stop > price)) {
      return inputError('For a SELL super order the target price must be below and the stop loss price above the entry price');
    }
    const correlationId = typeof b.correlationId === 'string' ? b.correlationId : '';
    const entry = this.exchange.place({
      symbol: scrip.symbol,
      side: b.transactionType,
      quantity,
      type: b.orderType === 'LIMIT' ? 'LIMIT' : 'MARKET',
      limitPrice: b.orderType === 'LIMIT' ? price : null,
      clientOrderId: correlationId || null,
      extra: this.extra(scrip, String(b.productType), String(b.orderType), 'ENTRY_LEG'),
    });
    this.supers.set(entry.id, {
      orderId: entry.id,
      correlationId,
      scrip,
      side: b.transactionType,
      productType: String(b.productType),
      quantity,
      targetPrice: target,
      stopLossPrice: stop,
      trailingJump: jump,
      best: 0,
      target: null,
      stop: null,
      cancelled: false,
    });
    this.settle();
    return { json: { orderId: entry.id, orderStatus: entry.status === 'REJECTED' ? 'REJECTED' : 'PENDING' } };
  }

  listSupers(): SimResponse {
    this.settle();
    return { json: [...this.supers.values()].map((s) => this.superJson(s)) };
  }

  /** Cancelling ENTRY_LEG cancels the whole super order; a target or stop leg alone is cancelled for good. */
  cancelSuper(id: string, leg: string): SimResponse {
    this.settle();
    const s = this.supers.get(id);
    if (!s) return NO_ORDER;
    if (leg !== 'ENTRY_LEG' && leg !== 'TARGET_LEG' && leg !== 'STOP_LOSS_LEG') return inputError('Invalid order leg');
    const working = (orderId: string | null) => (orderId ? this.exchange.get(orderId)?.status === 'OPEN' : false);
    const ids = leg === 'ENTRY_LEG' ? [s.orderId, s.target, s.stop] : [leg === 'TARGET_LEG' ? s.target : s.stop];
    const entryOpen = working(s.orderId);
    if (!ids.some(working) && !(leg === 'ENTRY_LEG' && entryOpen)) return orderError('Super order is already CLOSED and cannot be cancelled');
    for (const orderId of ids) if (orderId && working(orderId)) this.exchange.cancel(orderId);
    if (leg === 'ENTRY_LEG' && entryOpen) s.cancelled = true;
    return { json: { orderId: id, orderStatus: 'CANCELLED' } };
  }

  /** Fire forever triggers at the current LTP, arm super-order legs after an entry fill, cancel siblings, trail stops. */
  settle(): void {
    this.exchange.settle();
    const now = this.clock.now();
    for (const f of this.forever.values()) {
      if (!f.legs.some((l) => l.status === 'CONFIRM')) continue;
      const ltp = this.exchange.price(f.scrip.symbol);
      const hit = f.legs.find((l) => {
        if (l.status !== 'CONFIRM') return false;
        if (f.orderFlag === 'SINGLE') return l.triggerPrice > f.lastPrice ? ltp >= l.triggerPrice : ltp <= l.triggerPrice;
        const above = (l.legName === 'TARGET_LEG') === (f.side === 'SELL');
        return above ? ltp >= l.triggerPrice : ltp <= l.triggerPrice;
      });
      if (!hit) continue;
      const order = this.exchange.place({
        symbol: f.scrip.symbol,
        side: f.side,
        quantity: hit.quantity,
        type: f.orderType === 'LIMIT' ? 'LIMIT' : 'MARKET',
        limitPrice: f.orderType === 'LIMIT' ? hit.price : null,
        clientOrderId: f.correlationId || null,
        extra: this.extra(f.scrip, f.productType, f.orderType, hit.legName),
      });
      hit.status = 'TRIGGERED';
      hit.orderId = order.id;
      for (const l of f.legs) if (l !== hit && l.status === 'CONFIRM') l.status = 'CANCELLED';
      f.updatedAt = now;
    }
    for (const s of this.supers.values()) this.settleSuper(s);
  }

  private settleSuper(s: Super): void {
    const entry = this.exchange.get(s.orderId);
    if (!entry || entry.status !== 'FILLED') return;
    const exit = s.side === 'BUY' ? 'SELL' : 'BUY';
    if (s.target === null && s.stop === null && !s.cancelled) {
      s.best = entry.averagePrice ?? s.targetPrice;
      s.target = this.exchange.place({
        symbol: s.scrip.symbol,
        side: exit,
        quantity: s.quantity,
        type: 'LIMIT',
        limitPrice: s.targetPrice,
        clientOrderId: s.correlationId || null,
        extra: this.extra(s.scrip, s.productType, 'LIMIT', 'TARGET_LEG'),
      }).id;
      s.stop = this.exchange.place({
        symbol: s.scrip.symbol,
        side: exit,
        quantity: s.quantity,
        type: 'STOP',
        stopPrice: s.stopLossPrice,
        clientOrderId: s.correlationId || null,
        extra: this.extra(s.scrip, s.productType, 'STOP_LOSS_MARKET', 'STOP_LOSS_LEG'),
      }).id;
    }
    const target = s.target ? this.exchange.get(s.target) : undefined;
    const stop = s.stop ? this.exchange.get(s.stop) : undefined;
    if (!target || !stop) return;
    // One cancels the other.
    if (target.status === 'FILLED' && stop.status === 'OPEN') this.exchange.cancel(stop.id);
    if (stop.status === 'FILLED' && target.status === 'OPEN') this.exchange.cancel(target.id);
    if (s.trailingJump > 0 && stop.status === 'OPEN') {
      const ltp = this.exchange.price(s.scrip.symbol);
      const favour = s.side === 'BUY' ? ltp - s.best : s.best - ltp;
      const jumps = Math.floor(favour / s.trailingJump);
      if (jumps > 0) {
        const move = jumps * s.trailingJump * (s.side === 'BUY' ? 1 : -1);
        s.best += move;
        this.exchange.modify(stop.id, { stopPrice: Math.round((stop.stopPrice! + move) * 100) / 100 });
      }
    }
  }

  private extra(scrip: SimScrip, productType: string, orderType: string, legName: string): Record<string, string> {
    return {
      exchangeSegment: scrip.exchangeSegment,
      securityId: scrip.securityId,
      tradingSymbol: scrip.tradingSymbol,
      productType,
      orderType,
      validity: 'DAY',
      legName,
    };
  }

  private superJson(s: Super) {
    const entry = this.exchange.get(s.orderId)!;
    const target = s.target ? this.exchange.get(s.target) : undefined;
    const stop = s.stop ? this.exchange.get(s.stop) : undefined;
    const legsDone = target && stop && target.status !== 'OPEN' && stop.status !== 'OPEN';
    const status = entry.status === 'FILLED' ? (legsDone ? 'CLOSED' : target?.status === 'OPEN' ? 'TRIGGERED' : 'TRADED') : STATUS[entry.status];
    const leg = (legName: Leg, order: SimOrder | undefined, price: number) => ({
      orderId: order?.id ?? '',
      legName,
      transactionType: s.side === 'BUY' ? 'SELL' : 'BUY',
      totalQuatity: s.quantity,
      remainingQuantity: order ? order.quantity - order.filledQuantity : s.quantity,
      triggeredQuantity: order?.status === 'FILLED' ? order.filledQuantity : 0,
      price: order?.type === 'STOP' ? (order.stopPrice ?? price) : price,
      orderStatus: order ? STATUS[order.status] : entry.status === 'OPEN' ? 'PENDING' : 'CANCELLED',
      trailingJump: legName === 'STOP_LOSS_LEG' ? s.trailingJump : 0,
      averageTradedPrice: order?.averagePrice ?? 0,
    });
    return {
      dhanClientId: this.clientId,
      orderId: s.orderId,
      correlationId: s.correlationId,
      orderStatus: status,
      transactionType: s.side,
      exchangeSegment: s.scrip.exchangeSegment,
      productType: s.productType,
      orderType: entry.type === 'LIMIT' ? 'LIMIT' : 'MARKET',
      validity: 'DAY',
      tradingSymbol: s.scrip.tradingSymbol,
      securityId: s.scrip.securityId,
      quantity: s.quantity,
      remainingQuantity: entry.quantity - entry.filledQuantity,
      ltp: this.exchange.price(s.scrip.symbol),
      price: entry.limitPrice ?? 0,
      afterMarketOrder: false,
      legName: 'ENTRY_LEG',
      exchangeOrderId: `1100000${s.orderId.slice(-6)}`,
      createTime: dhanTime(entry.createdAt),
      updateTime: dhanTime(entry.updatedAt),
      exchangeTime: dhanTime(entry.updatedAt),
      omsErrorDescription: entry.rejectReason ?? '',
      averageTradedPrice: entry.averagePrice ?? 0,
      filledQty: entry.filledQuantity,
      legDetails: [leg('STOP_LOSS_LEG', stop, s.stopLossPrice), leg('TARGET_LEG', target, s.targetPrice)],
    };
  }
}
