import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrives } from '../support/stream-steps';
import type { ModifyOrderRequest } from '../../src/shared/schemas';
import { ManualClock } from '../../src/main/clock';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { FileKeyStore } from '../support/file-keystore';
import { makeGraph, tempDir, type TestGraph } from '../support/graph';
import { MODIFY_CRASH } from '../support/trading/modify-crash';
import { auditOf, journal, makeTradingWorld, MINUTE, placeOk, ticket, ticketId, type TradingWorld } from '../support/trading/world';

/**
 * Issue 13: a retried modify (same request id) is idempotent across a restart, and across a SIGKILL at any step of
 * the modify: the change is made once at the paper engine, journaled once and audited once.
 */

const SYMBOL = 'NSE:INFY';
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Count (and optionally hold) the changes that reach the paper engine. */
function watchPaperModifies(g: TestGraph, hold = false): { calls: number; made: number } {
  const desk = g.services.trading.paper;
  const real = desk.modify;
  const seen = { calls: 0, made: 0 };
  desk.modify = async (...args) => {
    seen.calls++;
    const ack = await real(...args);
    seen.made++;
    // The change is made at the engine; its answer never comes back (the app is about to stop).
    return hold ? new Promise<never>(() => undefined) : ack;
  };
  return seen;
}

describe('modify retried after a restart', () => {
  let w: TradingWorld;
  beforeAll(async () => {
    w = await makeTradingWorld();
    await w.g.ok('limits:set', { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });
  });
  afterAll(() => w.g.close());

  async function restingBuy() {
    const limit = round2(simulatedPriceAt(SYMBOL, w.clock.now()) * 0.5);
    const order = await placeOk(w.g, ticket({ symbol: SYMBOL, side: 'BUY', quantity: 10, type: 'LIMIT', limitPrice: limit }));
    expect(order.state).toBe('OPEN');
    return order;
  }

  it('a change done before the restart is answered from the journal: nothing is sent, nothing audited again', async () => {
    const order = await restingBuy();
    const r: ModifyOrderRequest = { orderId: order.id, requestId: ticketId('mod'), change: { quantity: 4 } };
    const first = await w.g.ok('orders:modify', r);
    expect(first).toMatchObject({ status: 'modified', order: { quantity: 4 } });

    await w.restart();
    const seen = watchPaperModifies(w.g);
    const again = await w.g.ok('orders:modify', r);
    expect(again).toMatchObject({ status: 'modified', order: { id: order.id, quantity: 4, state: 'OPEN' } });
    expect(seen.calls).toBe(0);
    expect((await auditOf(w.g, 'order.modify')).filter((e) => e.detail.requestId === r.requestId)).toHaveLength(1);
    // The id stays bound to its change after the restart too.
    const other = await w.g.call('orders:modify', { ...r, change: { quantity: 5 } });
    expect(other.ok ? null : other.error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already used/) });
    expect((await journal(w.g)).find((o) => o.id === order.id)!.quantity).toBe(4);
  });

  it('a change the app stopped while sending is found at the engine and journaled, not sent again', async () => {
    w.clock.advance(2 * MINUTE);
    const order = await restingBuy();
    const r: ModifyOrderRequest = { orderId: order.id, requestId: ticketId('mod'), change: { quantity: 7 } };
    const held = watchPaperModifies(w.g, true);
    void w.g.call('orders:modify', r);
    await w.scheduler.settle();
    await arrives(() => expect(held.made).toBe(1));
    expect(held.calls).toBe(1);
    // The engine holds 7, the journal still 10: the app stops here.
    expect((await journal(w.g)).find((o) => o.id === order.id)!.quantity).toBe(10);

    await w.restart();
    const seen = watchPaperModifies(w.g);
    const again = await w.g.ok('orders:modify', r);
    expect(again).toMatchObject({ status: 'modified', order: { id: order.id, quantity: 7, state: 'OPEN' } });
    expect(seen.calls).toBe(0);
    const audited = (await auditOf(w.g, 'order.modify')).filter((e) => e.detail.requestId === r.requestId);
    expect(audited).toEqual([expect.objectContaining({ detail: expect.objectContaining({ change: 'quantity 10 → 7', recovered: true }) })]);
    // Answered from the journal from now on.
    expect(await w.g.ok('orders:modify', r)).toMatchObject({ status: 'modified', order: { quantity: 7 } });
    expect(seen.calls).toBe(0);
  });

  it('a change the app stopped before it reached the engine is sent once on the retry', async () => {
    w.clock.advance(2 * MINUTE);
    const order = await restingBuy();
    const r: ModifyOrderRequest = { orderId: order.id, requestId: ticketId('mod'), change: { quantity: 3 } };
    // Stopped after the request was marked as sending, before the engine saw it.
    const desk = w.g.services.trading.paper;
    let reached = false;
    desk.modify = () => ((reached = true), new Promise<never>(() => undefined));
    void w.g.call('orders:modify', r);
    await arrives(() => expect(reached).toBe(true));
    await w.restart();
    const seen = watchPaperModifies(w.g);
    expect(await w.g.ok('orders:modify', r)).toMatchObject({ status: 'modified', order: { quantity: 3 } });
    expect(seen.calls).toBe(1);
    expect((await auditOf(w.g, 'order.modify')).filter((e) => e.detail.requestId === r.requestId)).toHaveLength(1);
  });
});

const child = path.resolve(import.meta.dirname, '../support/trading/modify-crash-child.ts');

/** Run the child until it kills itself at point `killAt` (or finishes); what it printed. */
function runChild(dataDir: string, killAt: number): Promise<{ killed: boolean; orderId: string; points: string[] }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, String(killAt)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    proc.on('exit', (code, signal) => {
      const lines = out.split('\n').filter(Boolean);
      const orderId = lines.find((l) => l.startsWith('order '))?.slice(6) ?? '';
      const points = lines.filter((l) => l.startsWith('point ')).map((l) => l.split(' ').slice(2).join(' '));
      if (signal === 'SIGKILL') resolve({ killed: true, orderId, points });
      else if (code === 0) resolve({ killed: false, orderId, points });
      else reject(new Error(`modify child failed (${code}): ${err}`));
    });
  });
}

describe('SIGKILL at each step of a modify, then the same request again', () => {
  it('changes the order once at the engine, journals it once and audits it once, whatever step the kill hit', async () => {
    const seenPoints = new Set<string>();
    let killAt = 1;
    for (; killAt < 40; killAt++) {
      const dataDir = tempDir('bv-modify-crash-');
      const run = await runChild(dataDir, killAt);
      if (!run.killed) break;
      expect(run.orderId, `kill ${killAt}`).not.toBe('');
      seenPoints.add(run.points.at(-1)!);
      const g = await makeGraph({ dataDir, keyStore: new FileKeyStore(path.join(dataDir, 'test-key.json')), clock: new ManualClock(MODIFY_CRASH.at) });
      try {
        expect(g.services.db.pragma('integrity_check', { simple: true })).toBe('ok');
        await g.ok('limits:set', { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });
        const atEngineBefore = await g.services.trading.paper.get({ clientOrderId: `bv-${MODIFY_CRASH.ticket.ticketId}` });
        const engineHadIt = atEngineBefore?.quantity === 6;
        const seen = watchPaperModifies(g);
        const request = MODIFY_CRASH.request(run.orderId);
        const result = await g.ok('orders:modify', request);
        const where = `killed at ${killAt} (${run.points.at(-1)})`;
        expect(result, where).toMatchObject({ status: 'modified', order: { id: run.orderId, quantity: 6, limitPrice: MODIFY_CRASH.newLimit, state: 'OPEN' } });
        // Sent again only when the engine did not have it yet.
        expect(seen.calls, where).toBe(engineHadIt ? 0 : 1);
        const atEngine = await g.services.trading.paper.get({ clientOrderId: `bv-${MODIFY_CRASH.ticket.ticketId}` });
        expect(atEngine, where).toMatchObject({ quantity: 6, limitPrice: MODIFY_CRASH.newLimit, state: 'OPEN' });
        expect(
          (await journal(g)).find((o) => o.id === run.orderId),
          where,
        ).toMatchObject({ quantity: 6, limitPrice: MODIFY_CRASH.newLimit });
        expect(
          (await auditOf(g, 'order.modify')).filter((e) => e.detail.requestId === request.requestId),
          where,
        ).toHaveLength(1);
        expect(await g.ok('audit:verify'), where).toMatchObject({ ok: true });
        // And once more: answered from the journal.
        expect(await g.ok('orders:modify', request), where).toMatchObject({ status: 'modified', order: { quantity: 6 } });
        expect(seen.calls, where).toBe(engineHadIt ? 0 : 1);
      } finally {
        g.close();
      }
    }
    expect(killAt).toBeGreaterThan(3);
    expect(seenPoints).toContain('after the paper engine changed the order');
    expect(seenPoints).toContain('before the paper engine changes the order');
  }, 240_000);
});
