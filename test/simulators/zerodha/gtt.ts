import type { Clock } from '../../../src/main/clock';
import type { SimExchange } from '../exchange';
import type { SimRequest, SimResponse } from '../harness';
import { fail, ok } from './envelope';
import { INSTRUMENTS } from './instruments';
import { formatIst } from './time';

/**
 * Kite GTTs (kite.trade/docs/connect/v3/gtt): POST/GET /gtt/triggers, GET/DELETE /gtt/triggers/:id. A trigger watches
 * the shared price path (the simulator's LTP); when it is hit, the order at that trigger's index is placed as a
 * regular LIMIT order and the GTT becomes `triggered` (for a two-leg GTT the other order is never placed). The
 * trigger JSON follows Zerodha's mock (gtt_get_order: id, user_id, parent_trigger, type, created_at, updated_at,
 * expires_at, status, condition, orders[].result.order_result, meta). Error wording is the simulator's own
 * (unconfirmed), in Kite's InputException envelope.
 */

interface GttOrder {
  exchange: string;
  tradingsymbol: string;
  transaction_type: string;
  quantity: number;
  order_type: string;
  product: string;
  price: number;
  result: Record<string, unknown> | null;
}

export interface KiteGtt {
  id: number;
  type: 'single' | 'two-leg';
  status: 'active' | 'triggered' | 'deleted' | 'cancelled' | 'disabled' | 'expired' | 'rejected';
  condition: { exchange: string; tradingsymbol: string; trigger_values: number[]; last_price: number; instrument_token: number };
  orders: GttOrder[];
  createdAt: number;
  updatedAt: number;
}

const PRODUCTS = new Set(['CNC', 'NRML', 'MIS', 'MTF']);
const YEAR_MS = 365 * 86_400_000;

function parseJson(raw: string | null): unknown {
  try {
    return raw === null ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class KiteGttBook {
  readonly triggers = new Map<number, KiteGtt>();
  private nextId = 112_233;

  constructor(
    private readonly clock: Clock,
    private readonly exchange: SimExchange,
    private readonly userId: string,
  ) {}

  place(req: SimRequest): SimResponse {
    const f = req.form();
    const type = f.get('type');
    if (type !== 'single' && type !== 'two-leg') return fail(400, 'InputException', 'Invalid trigger type.');
    const condition = parseJson(f.get('condition'));
    const orders = parseJson(f.get('orders'));
    if (!isObject(condition)) return fail(400, 'InputException', 'Invalid `condition`.');
    if (!Array.isArray(orders) || !orders.every(isObject)) return fail(400, 'InputException', 'Invalid `orders`.');
    const key = `${String(condition.exchange)}:${String(condition.tradingsymbol)}`;
    const instrument = INSTRUMENTS.get(key);
    if (!instrument) return fail(400, 'InputException', 'The instrument you are placing an order for has either expired or does not exist.');
    const values = Array.isArray(condition.trigger_values) ? condition.trigger_values.map(Number) : [];
    const last = Number(condition.last_price);
    const legs = type === 'single' ? 1 : 2;
    if (values.length !== legs || !values.every((v) => v > 0)) return fail(400, 'InputException', 'Invalid trigger values.');
    if (orders.length !== legs) return fail(400, 'InputException', `A ${type} trigger takes ${legs} order${legs === 1 ? '' : 's'}.`);
    if (!(last > 0)) return fail(400, 'InputException', 'Invalid `last_price`.');
    if (type === 'two-leg' && !(values[0]! < last && last < values[1]!)) {
      return fail(400, 'InputException', 'Invalid trigger data. The lower trigger must be below and the upper trigger above the last price.');
    }
    if (values.some((v) => v === last)) return fail(400, 'InputException', 'Trigger price cannot be the same as the last price.');
    const parsed: GttOrder[] = [];
    for (const o of orders) {
      if (`${String(o.exchange)}:${String(o.tradingsymbol)}` !== key) return fail(400, 'InputException', 'The GTT orders must be for the trigger instrument.');
      if (o.transaction_type !== 'BUY' && o.transaction_type !== 'SELL') return fail(400, 'InputException', 'Invalid `transaction_type`.');
      if (o.order_type !== 'LIMIT') return fail(400, 'InputException', 'Invalid `order_type`. GTT orders must be LIMIT orders.');
      const quantity = Number(o.quantity);
      if (!Number.isInteger(quantity) || quantity <= 0) return fail(400, 'InputException', 'Invalid `quantity`.');
      if (!PRODUCTS.has(String(o.product))) return fail(400, 'InputException', 'Invalid `product`.');
      const price = Number(o.price);
      if (!(price > 0)) return fail(400, 'InputException', 'Invalid `price`.');
      parsed.push({
        exchange: String(o.exchange),
        tradingsymbol: String(o.tradingsymbol),
        transaction_type: o.transaction_type,
        quantity,
        order_type: 'LIMIT',
        product: String(o.product),
        price,
        result: null,
      });
    }
    const now = this.clock.now();
    const gtt: KiteGtt = {
      id: this.nextId++,
      type,
      status: 'active',
      condition: {
        exchange: parsed[0]!.exchange,
        tradingsymbol: parsed[0]!.tradingsymbol,
        trigger_values: values,
        last_price: last,
        instrument_token: instrument.token,
      },
      orders: parsed,
      createdAt: now,
      updatedAt: now,
    };
    this.triggers.set(gtt.id, gtt);
    return ok({ trigger_id: gtt.id });
  }

  get(id: string): SimResponse {
    const gtt = this.triggers.get(Number(id));
    return gtt ? ok(this.json(gtt)) : fail(404, 'InputException', 'Trigger not found.');
  }

  list(): SimResponse {
    return ok([...this.triggers.values()].map((g) => this.json(g)));
  }

  delete(id: string): SimResponse {
    const gtt = this.triggers.get(Number(id));
    if (!gtt) return fail(404, 'InputException', 'Trigger not found.');
    if (gtt.status !== 'active') return fail(400, 'InputException', `Trigger cannot be deleted as it is ${gtt.status}.`);
    gtt.status = 'deleted';
    gtt.updatedAt = this.clock.now();
    return ok({ trigger_id: gtt.id });
  }

  /** Fire every active trigger the current LTP has reached (Kite watches the last traded price). */
  settle(): void {
    const now = this.clock.now();
    for (const gtt of this.triggers.values()) {
      if (gtt.status !== 'active') continue;
      const { trigger_values: values, last_price: last } = gtt.condition;
      const ltp = this.exchange.price(`${gtt.condition.exchange}:${gtt.condition.tradingsymbol}`);
      let hit = -1;
      if (gtt.type === 'two-leg') hit = ltp <= values[0]! ? 0 : ltp >= values[1]! ? 1 : -1;
      else hit = (values[0]! > last ? ltp >= values[0]! : ltp <= values[0]!) ? 0 : -1;
      if (hit < 0) continue;
      const leg = gtt.orders[hit]!;
      const order = this.exchange.place({
        symbol: `${leg.exchange}:${leg.tradingsymbol}`,
        side: leg.transaction_type as 'BUY' | 'SELL',
        quantity: leg.quantity,
        type: 'LIMIT',
        limitPrice: leg.price,
        extra: {
          variety: 'regular',
          product: leg.product,
          validity: 'DAY',
          tag: '',
          exchange: leg.exchange,
          tradingsymbol: leg.tradingsymbol,
          market_protection: '0',
        },
      });
      gtt.status = 'triggered';
      gtt.updatedAt = now;
      leg.result = {
        account_id: this.userId,
        exchange: leg.exchange,
        tradingsymbol: leg.tradingsymbol,
        validity: 'DAY',
        product: leg.product,
        order_type: 'LIMIT',
        transaction_type: leg.transaction_type,
        quantity: leg.quantity,
        price: leg.price,
        meta: 'immediate',
        timestamp: formatIst(now),
        triggered_at: ltp,
        order_result:
          order.status === 'REJECTED'
            ? { status: 'failed', order_id: order.id, rejection_reason: order.rejectReason ?? 'Rejected' }
            : { status: 'success', order_id: order.id, rejection_reason: '' },
      };
    }
  }

  private json(gtt: KiteGtt) {
    return {
      id: gtt.id,
      user_id: this.userId,
      parent_trigger: null,
      type: gtt.type,
      created_at: formatIst(gtt.createdAt),
      updated_at: formatIst(gtt.updatedAt),
      expires_at: formatIst(gtt.createdAt + YEAR_MS),
      status: gtt.status,
      condition: { ...gtt.condition },
      orders: gtt.orders.map((o) => ({ ...o })),
      meta: null,
    };
  }
}
