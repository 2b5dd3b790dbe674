import type { SimExchange, SimOrder } from '../exchange';
import type { SimResponse } from '../harness';
import { orderJson } from './wire';

/**
 * Tradier's advanced orders on `POST /v1/accounts/{id}/orders`: `class=oco` (two legs, one cancels the other) and
 * `class=otoco` (leg 0 is the entry; legs 1 and 2 an OCO armed when it fills), with indexed fields `symbol[n]`, `side[n]`,
 * `quantity[n]`, `type[n]`, `price[n]`, `stop[n]` and one `duration` and `tag`. The order has an id of its own; `GET
 * …/orders/{id}` shows it with `num_legs` and `leg[]`, and `DELETE` on it cancels the legs still working. The texts of
 * the structural refusals are the simulator's own (unconfirmed).
 */
export interface SimAdvanced {
  id: number;
  cls: 'oco' | 'otoco';
  legs: string[];
  tag: string | null;
  duration: string;
}

const TYPES = ['market', 'limit', 'stop', 'stop_limit'];
const SIM_TYPE = { market: 'MARKET', limit: 'LIMIT', stop: 'STOP', stop_limit: 'STOP_LIMIT' } as const;

type Fail = (status: number, ...messages: string[]) => SimResponse;

export class TradierAdvancedOrders {
  readonly orders = new Map<number, SimAdvanced>();
  private nextId = 800_001;

  constructor(
    private readonly ex: SimExchange,
    private readonly listed: (symbol: string) => boolean,
  ) {}

  /** True for an exchange order that is a leg of an advanced order (listed under it, not on its own). */
  isLeg(o: SimOrder): boolean {
    return o.extra.parentId !== undefined;
  }

  place(form: URLSearchParams, cls: 'oco' | 'otoco', fail: Fail): SimResponse {
    const count = cls === 'oco' ? 2 : 3;
    const duration = form.get('duration') ?? '';
    if (!['day', 'gtc'].includes(duration)) return fail(400, 'Invalid Parameter: duration');
    const tag = form.get('tag');
    if (tag !== null && !/^[A-Za-z0-9-]{1,255}$/.test(tag)) return fail(400, 'Invalid Parameter: tag may contain letters, numbers and dashes only');
    const legs = [];
    for (let n = 0; n < count; n++) {
      const get = (k: string) => form.get(`${k}[${n}]`);
      const symbol = (get('symbol') ?? '').toUpperCase();
      const side = get('side') ?? '';
      const type = get('type') ?? '';
      const quantity = Number(get('quantity'));
      const price = get('price');
      const stop = get('stop');
      if (!['buy', 'sell', 'buy_to_cover', 'sell_short'].includes(side)) return fail(400, `Invalid Parameter: side[${n}]`);
      if (!TYPES.includes(type)) return fail(400, `Invalid Parameter: type[${n}]`);
      if (!Number.isInteger(quantity) || quantity < 1) return fail(400, 'OrderQuantity: order quantity must be at least 1');
      if ((type === 'limit' || type === 'stop_limit') && !price) return fail(400, 'LimitPriceUndefined: a limit price is required for this order type');
      if ((type === 'stop' || type === 'stop_limit') && !stop) return fail(400, 'StopPriceUndefined: a stop price is required for this order type');
      if (!this.listed(symbol)) return fail(400, `SecurityUndefined: unknown security ${symbol.slice(0, 12)}`);
      legs.push({ symbol, side, type, quantity, price: price ? Number(price) : null, stop: stop ? Number(stop) : null });
    }
    const [a, b] = cls === 'oco' ? [legs[0]!, legs[1]!] : [legs[1]!, legs[2]!];
    if (a.type === 'market' || b.type === 'market') return fail(400, 'Invalid Parameter: the legs of an OCO may not be market orders');
    if (a.symbol !== b.symbol || a.side !== b.side || a.quantity !== b.quantity) {
      return fail(400, 'Invalid Parameter: the legs of an OCO must have the same symbol, side and quantity');
    }
    if (cls === 'otoco' && (legs[0]!.symbol !== a.symbol || legs[0]!.side.startsWith('buy') === a.side.startsWith('buy'))) {
      return fail(400, 'Invalid Parameter: the OCO legs must close the first leg');
    }
    const id = this.nextId++;
    const placed = legs.map((leg) => {
      const order = this.ex.place({
        symbol: leg.symbol,
        side: leg.side.startsWith('buy') ? 'BUY' : 'SELL',
        quantity: leg.quantity,
        type: SIM_TYPE[leg.type as keyof typeof SIM_TYPE],
        limitPrice: leg.price,
        stopPrice: leg.stop,
        clientOrderId: null,
        extra: { side: leg.side, duration, held: '1', parentId: String(id) },
      });
      if (order.rejectReason === 'Insufficient funds') order.rejectReason = 'InitialMargin: not enough buying power for this order';
      return order;
    });
    // An entry the risk checks reject takes its exit legs with it.
    if (cls === 'otoco' && placed[0]!.status === 'REJECTED') {
      for (const leg of placed.slice(1)) Object.assign(leg, { status: 'REJECTED', rejectReason: placed[0]!.rejectReason });
    }
    this.orders.set(id, { id, cls, legs: placed.map((o) => o.id), tag, duration });
    this.ex.linkExit({ id: String(id), entry: cls === 'otoco' ? placed[0]!.id : null, legs: placed.slice(cls === 'otoco' ? 1 : 0).map((o) => o.id) });
    return { json: { order: { id, status: 'ok', partner_id: 'c4998eb7-0000-4000-8000-000000000001' } } };
  }

  /** The advanced order as GET shows it: the first leg's terms, its own status, and every leg. */
  json(adv: SimAdvanced): Record<string, unknown> {
    const legs = adv.legs.map((id) => this.ex.get(id)!);
    const first = orderJson(legs[0]!);
    const working = legs.some((o) => o.status === 'OPEN');
    const status = working ? 'open' : legs.some((o) => o.status === 'FILLED') ? 'filled' : (first.status as string);
    return {
      ...first,
      id: adv.id,
      status,
      class: adv.cls,
      num_legs: legs.length,
      leg: legs.map((o) => ({ ...orderJson(o), tag: undefined })),
      ...(adv.tag ? { tag: adv.tag } : { tag: undefined }),
    };
  }

  cancel(adv: SimAdvanced, fail: Fail): SimResponse {
    const working = adv.legs.map((id) => this.ex.get(id)!).filter((o) => o.status === 'OPEN');
    if (working.length === 0) return fail(400, `order already in finalized state: ${this.json(adv).status as string}`);
    for (const o of working) this.ex.cancel(o.id);
    return { json: { order: { id: adv.id, status: 'ok' } } };
  }
}
