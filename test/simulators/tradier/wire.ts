import type { SimOrder, SimPosition } from '../exchange';

/** Tradier's collection collapsing: "null" when empty, an object for one, an array for many. */
export function collapse<T>(items: T[]): T | T[] | 'null' {
  if (items.length === 0) return 'null';
  return items.length === 1 ? items[0]! : items;
}

const STATUS: Record<SimOrder['status'], string> = { OPEN: 'open', FILLED: 'filled', CANCELLED: 'canceled', REJECTED: 'rejected' };

export function orderJson(o: SimOrder): Record<string, unknown> {
  const remaining = o.quantity - o.filledQuantity;
  return {
    id: Number(o.id),
    type: o.type.toLowerCase(),
    symbol: o.symbol,
    side: o.extra.side ?? o.side.toLowerCase(),
    quantity: o.quantity,
    status: STATUS[o.status],
    duration: o.extra.duration ?? 'day',
    ...(o.limitPrice !== null ? { price: o.limitPrice } : {}),
    ...(o.stopPrice !== null ? { stop_price: o.stopPrice } : {}),
    avg_fill_price: o.averagePrice ?? 0,
    exec_quantity: o.filledQuantity,
    last_fill_price: o.averagePrice ?? 0,
    last_fill_quantity: o.filledQuantity,
    remaining_quantity: remaining,
    create_date: new Date(o.createdAt).toISOString(),
    transaction_date: new Date(o.updatedAt).toISOString(),
    class: 'equity',
    ...(o.clientOrderId ? { tag: o.clientOrderId } : {}),
    ...(o.rejectReason ? { reason_description: o.rejectReason } : {}),
  };
}

export function positionJson(p: SimPosition, index: number, openedAt: number): Record<string, unknown> {
  return {
    cost_basis: Math.round(p.averagePrice * p.quantity * 100) / 100,
    date_acquired: new Date(openedAt).toISOString(),
    id: 130000 + index,
    quantity: p.quantity,
    symbol: p.symbol,
  };
}

/** Tradier's default answer format when the caller does not ask for JSON. */
export function toXml(value: unknown, tag = 'response'): string {
  if (Array.isArray(value)) return value.map((v) => toXml(v, tag)).join('');
  if (value && typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => toXml(v, k))
      .join('');
    return `<${tag}>${inner}</${tag}>`;
  }
  const text = String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<${tag}>${text}</${tag}>`;
}
