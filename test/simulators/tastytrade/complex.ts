import type { SimExchange, SimOrder } from '../exchange';
import type { SimResponse } from '../harness';
import { checkBody, effects, preflight, validation, type ParsedOrder } from './orders';
import { orderJson } from './wire';

/**
 * Tastytrade complex orders (`/accounts/{n}/complex-orders`, as tastyware/tastytrade calls them): `type` OCO (`orders`:
 * two orders, one cancels the other) or OTOCO (`trigger-order` plus two OCO `orders` armed when it fills). Each order is
 * checked like a single order (schema 400, preflight 422); a leg waiting on its trigger is `Contingent`. The texts of
 * the structural refusals are the simulator's own (unconfirmed).
 */
export interface SimComplex {
  id: number;
  type: 'OCO' | 'OTOCO';
  trigger: string | null;
  orders: string[];
  createdAt: number;
}

export class TastyComplexOrders {
  readonly complex = new Map<number, SimComplex>();
  private nextId = 700_001;

  constructor(
    private readonly ex: SimExchange,
    private readonly account: string,
  ) {}

  place(body: Record<string, unknown>, now: number): SimResponse {
    const type = body.type;
    if (type !== 'OCO' && type !== 'OTOCO') return validation('type must be OCO or OTOCO in this simulator');
    const orders = body.orders;
    if (!Array.isArray(orders) || orders.length !== 2) return validation('orders must hold exactly two orders');
    const triggerBody = body['trigger-order'];
    if (type === 'OTOCO' && (typeof triggerBody !== 'object' || triggerBody === null)) return validation('trigger-order is required for OTOCO');
    if (type === 'OCO' && triggerBody !== undefined) return validation('trigger-order is not allowed for OCO');
    const parsed: ParsedOrder[] = [];
    for (const o of [...(type === 'OTOCO' ? [triggerBody] : []), ...orders]) {
      const result = checkBody(o as Record<string, unknown>, this.ex);
      if (!('symbol' in result)) return result;
      parsed.push(result);
    }
    const [a, b] = parsed.slice(-2) as [ParsedOrder, ParsedOrder];
    if (a.symbol !== b.symbol || a.side !== b.side || a.quantity !== b.quantity) {
      return preflight('invalid_oco', 'The orders of an OCO must close the same position: same symbol, action and quantity.');
    }
    if (a.type === 'MARKET' || b.type === 'MARKET') return preflight('invalid_oco', 'The orders of an OCO cannot be market orders.');
    const trigger = type === 'OTOCO' ? parsed[0]! : null;
    if (trigger && (trigger.symbol !== a.symbol || trigger.side === a.side)) {
      return preflight('invalid_otoco', 'The OCO orders must close the position the trigger order opens.');
    }
    const placed = parsed.map((p) => this.ex.place({ ...p, clientOrderId: p.externalId, extra: { ...p.extra, held: '1' } }));
    const id = this.nextId++;
    const entry: SimComplex = { id, type, trigger: trigger ? placed[0]!.id : null, orders: placed.slice(-2).map((o) => o.id), createdAt: now };
    this.complex.set(id, entry);
    this.ex.linkExit({ id: `complex-${id}`, entry: entry.trigger, legs: entry.orders });
    // A trigger the account cannot carry ends the whole order.
    if (trigger && placed[0]!.status === 'REJECTED')
      for (const o of placed.slice(1)) Object.assign(o, { status: 'REJECTED', rejectReason: placed[0]!.rejectReason });
    return { status: 201, json: { data: { 'complex-order': this.json(entry, 'Routed'), ...effects(trigger ?? a, this.ex) } } };
  }

  json(c: SimComplex, routed?: 'Routed'): Record<string, unknown> {
    const show = (o: SimOrder) => orderJson(o, this.account, routed && o.status === 'OPEN' && o.extra.held !== '1' ? routed : undefined);
    const all = [...(c.trigger ? [c.trigger] : []), ...c.orders].map((id) => this.ex.get(id)!);
    const done = all.every((o) => o.status !== 'OPEN');
    return {
      id: c.id,
      'account-number': this.account,
      type: c.type,
      ...(c.trigger ? { 'trigger-order': show(this.ex.get(c.trigger)!) } : {}),
      orders: c.orders.map((id) => show(this.ex.get(id)!)),
      ...(done ? { 'terminal-at': new Date(Math.max(...all.map((o) => o.updatedAt))).toISOString() } : {}),
    };
  }

  /** Cancel the orders still working; a complex order with none is not cancellable (422, like a single order's). */
  cancel(c: SimComplex): SimResponse | null {
    const working = [...(c.trigger ? [c.trigger] : []), ...c.orders].map((id) => this.ex.get(id)!).filter((o) => o.status === 'OPEN');
    if (working.length === 0) return null;
    for (const o of working) this.ex.cancel(o.id);
    return { json: { data: this.json(c) } };
  }
}
