import { expect } from 'vitest';
import type { BrokerContext, ProtectiveExitStatus } from '../../../src/main/brokers/types';
import type { OrderUpdate } from '../../../src/main/streaming/types';
import { arrives } from '../../support/stream-steps';

/** What the native-exit cases of every broker (`*-exits.ts`) share. */

/** A US price in whole cents. */
export const cents = (n: number) => Math.round(n * 100) / 100;

/** An Indian exchange's price on its 0.05 tick. */
export const tick = (price: number) => Math.round(price * 20) / 20;

/** Each leg of an exit as [role, state], to compare a status in one line. */
export const roles = (s: ProtectiveExitStatus | null) => s?.legs.map((l) => [l.role, l.state]);

/** Let the price path move: the manual clock and the simulator's stream poll, which settles the exchange, 5 s at a time. */
export async function elapse(rig: { scheduler: { advance(ms: number): Promise<void> } }, ms: number): Promise<void> {
  for (let spent = 0; spent < ms; spent += 5_000) await rig.scheduler.advance(5_000);
}

/** One answer the broker's simulator gave, for the checks against its published spec. */
export interface Seen {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** A `fetch` that records every answer into `seen`. */
export function recordingFetch(): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const text = await res.clone().text();
    seen.push({ method: init?.method ?? 'GET', path: new URL(String(input)).pathname, status: res.status, body: text ? JSON.parse(text) : '' });
    return res;
  };
  return { fetch: recording, seen };
}

/** A simulator rig whose adapter's order stream the exit cases watch. */
interface OrderStreamRig {
  ctx(): BrokerContext;
  openOrders(ctx?: BrokerContext): { statuses: readonly unknown[]; orders: OrderUpdate[] };
  close(): Promise<void>;
}

/** A fresh rig with the account's order stream open (waits until it is), closed after `body`. */
export async function withOrderStream<R extends OrderStreamRig>(
  open: () => Promise<R>,
  body: (rig: R, ctx: BrokerContext, updates: OrderUpdate[]) => Promise<void>,
): Promise<void> {
  const rig = await open();
  const ctx = rig.ctx();
  const orders = rig.openOrders(ctx);
  try {
    await arrives(() => expect(orders.statuses).toContainEqual({ state: 'open' }));
    await body(rig, ctx, orders.orders);
  } finally {
    await rig.close();
  }
}
