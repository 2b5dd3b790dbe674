import type { Clock } from '../../src/main/clock';

/**
 * The market every simulator shares: a deterministic price path per symbol (so tests can predict
 * fills) and an order book that fills market orders at once and limit/stop orders when the path
 * crosses their price. Broker simulators translate their own wire format to and from this.
 */
export function basePrice(symbol: string): number {
  let h = 0;
  for (const ch of symbol) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 100 + (h % 4900);
}

/** Price at a time: base ± 2 % on a 10-minute sine, rounded to 0.05. */
export function priceAt(symbol: string, at: number): number {
  return pathPrice(basePrice(symbol), at);
}

/**
 * priceAt for one symbol with its base hashed once: history sampling calls it millions of times per request, and
 * re-hashing the symbol each time made a month of minute bars cost seconds of CPU (past a 5 s HTTP timeout under load).
 */
export function pricePath(symbol: string): (at: number) => number {
  const base = basePrice(symbol);
  return (at) => pathPrice(base, at);
}

function pathPrice(base: number, at: number): number {
  const phase = ((at / 600_000) * 2 * Math.PI) % (2 * Math.PI);
  return Math.round(base * (1 + 0.02 * Math.sin(phase)) * 20) / 20;
}

export type SimSide = 'BUY' | 'SELL';
export type SimOrderType = 'MARKET' | 'LIMIT' | 'STOP' | 'STOP_LIMIT';
export type SimOrderStatus = 'OPEN' | 'FILLED' | 'CANCELLED' | 'REJECTED';

export interface SimOrder {
  id: string;
  clientOrderId: string | null;
  symbol: string;
  side: SimSide;
  quantity: number;
  type: SimOrderType;
  limitPrice: number | null;
  stopPrice: number | null;
  status: SimOrderStatus;
  filledQuantity: number;
  averagePrice: number | null;
  createdAt: number;
  updatedAt: number;
  rejectReason: string | null;
  /** Broker-specific extras the simulator wants to echo back (product, variety, tag…). */
  extra: Record<string, string>;
}

export interface SimPosition {
  symbol: string;
  quantity: number;
  averagePrice: number;
  realizedPnl: number;
}

/** One execution (the exchange fills an order whole, so one per filled order). */
export interface SimFill {
  id: string;
  orderId: string;
  symbol: string;
  side: SimSide;
  quantity: number;
  price: number;
  at: number;
  /** The order's broker-specific extras (product, exchange…), for simulators that echo them. */
  extra: Record<string, string>;
}

/**
 * Orders a broker holds together as one protective exit: a bracket's entry with the legs it arms when it fills, or
 * legs that cancel each other (OCO). Legs of a bracket wait with `extra.held = '1'` until the entry fills.
 */
export interface SimExitGroup {
  id: string;
  entry: string | null;
  legs: string[];
}

export class SimExchange {
  readonly orders = new Map<string, SimOrder>();
  /** Native exit groups by group id (see SimExitGroup). */
  readonly exitGroups = new Map<string, SimExitGroup>();
  readonly positions = new Map<string, SimPosition>();
  /** Settled delivery holdings (long only), filled by rollDay(). */
  readonly holdings = new Map<string, SimPosition>();
  /** Today's executions (the trade book), cleared by rollDay(). */
  readonly fills: SimFill[] = [];
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    public cash: number,
    private readonly idPrefix = '',
  ) {}

  price(symbol: string): number {
    return priceAt(symbol, this.clock.now());
  }

  place(input: {
    symbol: string;
    side: SimSide;
    quantity: number;
    type: SimOrderType;
    limitPrice?: number | null;
    stopPrice?: number | null;
    clientOrderId?: string | null;
    extra?: Record<string, string>;
    /** The broker's own id where it derives one (a bracket leg "<parent>-BO-1"); otherwise the next sequential id. */
    id?: string;
  }): SimOrder {
    this.settle();
    const now = this.clock.now();
    const order: SimOrder = {
      id: input.id ?? `${this.idPrefix}${String(this.nextId++).padStart(6, '0')}`,
      clientOrderId: input.clientOrderId ?? null,
      symbol: input.symbol,
      side: input.side,
      quantity: input.quantity,
      type: input.type,
      limitPrice: input.limitPrice ?? null,
      stopPrice: input.stopPrice ?? null,
      status: 'OPEN',
      filledQuantity: 0,
      averagePrice: null,
      createdAt: now,
      updatedAt: now,
      rejectReason: null,
      extra: input.extra ?? {},
    };
    const cost = input.quantity * (input.limitPrice ?? this.price(input.symbol));
    if (input.side === 'BUY' && cost > this.cash) {
      order.status = 'REJECTED';
      order.rejectReason = 'Insufficient funds';
    }
    this.orders.set(order.id, order);
    this.settle();
    return order;
  }

  cancel(id: string): SimOrder | null {
    this.settle();
    const order = this.orders.get(id);
    if (!order || order.status !== 'OPEN') return null;
    order.status = 'CANCELLED';
    order.updatedAt = this.clock.now();
    // A cancelled entry takes its held legs with it; a cancelled leg takes its siblings (the group goes as one).
    for (const group of this.groupsOf(id)) this.cancelOthers(group, id, 'group cancelled');
    return order;
  }

  /**
   * Hold orders as one exit group. Simulators place every order of the group with `extra.held = '1'` (so none fills
   * before the group exists), then link it: the entry, or with no entry the legs, go to work at once; a bracket's legs
   * stay held until the entry fills, and a leg's fill cancels the others.
   */
  linkExit(group: SimExitGroup): void {
    this.exitGroups.set(group.id, group);
    for (const id of group.entry === null ? group.legs : [group.entry]) {
      const order = this.orders.get(id);
      if (order) order.extra = { ...order.extra, held: '0' };
    }
    this.settle();
  }

  /** The group an order belongs to, if any. */
  exitGroupOf(id: string): SimExitGroup | undefined {
    return [...this.exitGroups.values()].find((g) => g.entry === id || g.legs.includes(id));
  }

  private groupsOf(id: string): SimExitGroup[] {
    return [...this.exitGroups.values()].filter((g) => g.entry === id || g.legs.includes(id));
  }

  private cancelOthers(group: SimExitGroup, except: string, reason: string): void {
    for (const legId of [group.entry, ...group.legs]) {
      const leg = legId === null || legId === except ? undefined : this.orders.get(legId);
      if (!leg || leg.status !== 'OPEN') continue;
      leg.status = 'CANCELLED';
      leg.updatedAt = this.clock.now();
      leg.extra = { ...leg.extra, cancelReason: reason };
    }
  }

  /**
   * Change an open order in place (brokers that modify): the new terms apply from now, checked against the market at
   * once. Null when the order is not open any more (it filled or was cancelled first). Counts modifications in
   * `extra.modifications` for brokers that cap them.
   */
  modify(id: string, change: { quantity?: number; type?: SimOrderType; limitPrice?: number | null; stopPrice?: number | null }): SimOrder | null {
    this.settle();
    const order = this.orders.get(id);
    if (!order || order.status !== 'OPEN') return null;
    if (change.quantity !== undefined) order.quantity = change.quantity;
    if (change.type !== undefined) order.type = change.type;
    if (change.limitPrice !== undefined) order.limitPrice = change.limitPrice;
    if (change.stopPrice !== undefined) order.stopPrice = change.stopPrice;
    order.extra = { ...order.extra, modifications: String(Number(order.extra.modifications ?? 0) + 1) };
    order.updatedAt = this.clock.now();
    this.settle();
    return order;
  }

  get(id: string): SimOrder | undefined {
    this.settle();
    return this.orders.get(id);
  }

  list(): SimOrder[] {
    this.settle();
    return [...this.orders.values()];
  }

  positionList(): SimPosition[] {
    this.settle();
    return [...this.positions.values()].filter((p) => p.quantity !== 0 || p.realizedPnl !== 0);
  }

  /** Today's executions, oldest first. */
  tradeList(): SimFill[] {
    this.settle();
    return [...this.fills];
  }

  holdingList(): SimPosition[] {
    return [...this.holdings.values()];
  }

  /**
   * The end of a trading day (T+1 settlement): today's long positions move into the holdings at their average price,
   * and the trade book starts empty. Short positions stay as positions.
   */
  rollDay(): void {
    this.settle();
    for (const p of this.positions.values()) {
      if (p.quantity <= 0) continue;
      const held = this.holdings.get(p.symbol) ?? { symbol: p.symbol, quantity: 0, averagePrice: 0, realizedPnl: 0 };
      held.averagePrice = (held.averagePrice * held.quantity + p.averagePrice * p.quantity) / (held.quantity + p.quantity);
      held.quantity += p.quantity;
      this.holdings.set(p.symbol, held);
      this.positions.delete(p.symbol);
    }
    this.fills.length = 0;
  }

  /** Fill every open order whose condition holds at the current price. */
  settle(): void {
    const now = this.clock.now();
    for (const order of this.orders.values()) {
      if (order.status !== 'OPEN' || order.extra.held === '1') continue;
      const price = priceAt(order.symbol, now);
      if (order.extra.trailAmount !== undefined || order.extra.trailPercent !== undefined) this.trail(order, price);
      const crosses = (level: number | null, buyAbove: boolean) =>
        level !== null && (order.side === 'BUY' ? (buyAbove ? price >= level : price <= level) : buyAbove ? price <= level : price >= level);
      let fill: number | null = null;
      if (order.type === 'MARKET') fill = price;
      else if (order.type === 'LIMIT' && crosses(order.limitPrice, false)) fill = order.limitPrice!;
      else if (order.type === 'STOP' && crosses(order.stopPrice, true)) fill = price;
      else if (order.type === 'STOP_LIMIT' && crosses(order.stopPrice, true) && crosses(order.limitPrice, false)) fill = order.limitPrice!;
      if (fill !== null) this.fill(order, fill, now);
    }
  }

  /**
   * A trailing stop follows the best price since it was armed (the high for a sell, the low for a buy), sampled at each
   * settle: its stop sits `trailAmount` or `trailPercent` % away from that mark (`extra.hwm`).
   */
  private trail(order: SimOrder, price: number): void {
    const sell = order.side === 'SELL';
    const mark = order.extra.hwm === undefined ? price : sell ? Math.max(Number(order.extra.hwm), price) : Math.min(Number(order.extra.hwm), price);
    const distance = order.extra.trailAmount !== undefined ? Number(order.extra.trailAmount) : (mark * Number(order.extra.trailPercent)) / 100;
    order.extra = { ...order.extra, hwm: String(mark) };
    order.stopPrice = Math.round((sell ? mark - distance : mark + distance) * 100) / 100;
  }

  private fill(order: SimOrder, price: number, now: number): void {
    order.status = 'FILLED';
    order.filledQuantity = order.quantity;
    order.averagePrice = price;
    order.updatedAt = now;
    this.fills.push({
      id: `${order.id}-T${this.fills.length + 1}`,
      orderId: order.id,
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity,
      price,
      at: now,
      extra: order.extra,
    });
    const signed = order.side === 'BUY' ? order.quantity : -order.quantity;
    this.cash -= signed * price;
    const pos = this.positions.get(order.symbol) ?? { symbol: order.symbol, quantity: 0, averagePrice: 0, realizedPnl: 0 };
    if (pos.quantity === 0 || Math.sign(pos.quantity) === Math.sign(signed)) {
      pos.averagePrice = (pos.averagePrice * Math.abs(pos.quantity) + price * Math.abs(signed)) / (Math.abs(pos.quantity) + Math.abs(signed));
      pos.quantity += signed;
    } else {
      const closing = Math.min(Math.abs(signed), Math.abs(pos.quantity));
      pos.realizedPnl += closing * (price - pos.averagePrice) * Math.sign(pos.quantity);
      pos.quantity += signed;
      if (Math.sign(pos.quantity) === Math.sign(signed) && pos.quantity !== 0) pos.averagePrice = price;
      if (pos.quantity === 0) pos.averagePrice = 0;
    }
    this.positions.set(order.symbol, pos);
    for (const group of this.groupsOf(order.id)) {
      if (group.entry === order.id) {
        // The entry filled: its legs go to work (from the next price on; the loop in settle reaches them after this order).
        for (const legId of group.legs) {
          const leg = this.orders.get(legId);
          if (leg && leg.extra.held === '1') leg.extra = { ...leg.extra, held: '0' };
        }
      } else {
        this.cancelOthers(group, order.id, 'sibling filled');
      }
    }
  }
}
