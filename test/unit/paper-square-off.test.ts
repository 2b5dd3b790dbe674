import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/main/errors';
import { PaperSquareOff, type PaperSquareOffDeps } from '../../src/main/trading/paper-square-off';
import type { SquareOffPlan } from '../../src/main/trading/paper';
import type { OrderView } from '../../src/shared/schemas';

/** The square-off service alone: what it sends for a plan, and that it sends nothing while the kill switch runs. */

const CUTOFF = Date.UTC(2026, 11, 7, 9, 50);
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function world(plan: SquareOffPlan, halted = false) {
  const placed: { ticketId: string; source: string }[] = [];
  const cancelled: { id: string; source: string }[] = [];
  const journal = new Map<string, OrderView['state']>();
  const deps = {
    paper: { mode: 'paper', connectionId: null, squareOffPlan: async () => plan },
    gate: {
      assertMaySend: () => {
        if (halted) throw new AppError('LIVE_NOT_ALLOWED', 'The kill switch is stopping all trading, so this order was not sent.');
      },
    },
    orders: {
      placeOn: async (_venue: unknown, t: { ticketId: string }, source: string) => {
        placed.push({ ticketId: t.ticketId, source });
        journal.set(t.ticketId, 'FILLED');
        return { status: 'placed', order: { id: t.ticketId } };
      },
      cancelInBook: async (_venue: unknown, o: { brokerOrderId: string }, source: string) => void cancelled.push({ id: o.brokerOrderId, source }),
      byTicket: (id: string) => (journal.has(id) ? { state: journal.get(id) } : null),
    },
    log: quiet,
  } as unknown as PaperSquareOffDeps;
  return { service: new PaperSquareOff(deps), placed, cancelled, journal };
}

const plan: SquareOffPlan = {
  cutoff: CUTOFF,
  cancel: [{ brokerOrderId: 'PAPER-000003', product: 'MIS' } as SquareOffPlan['cancel'][number]],
  close: [{ symbol: 'NSE:SBIN', side: 'BUY', quantity: 4, product: 'MIS' }],
};

describe('PaperSquareOff', () => {
  it('cancels and closes through the order path with source squareoff, once per square-off time', async () => {
    const w = world(plan);
    const report = await w.service.run();
    expect(report).toMatchObject({ cancelled: 1, problems: [] });
    expect(w.cancelled).toEqual([{ id: 'PAPER-000003', source: 'squareoff' }]);
    expect(w.placed).toEqual([{ ticketId: expect.stringMatching(/^sq-[0-9a-z]+-[0-9a-f]{16}-1$/), source: 'squareoff' }]);
    // The same plan again (the position not yet seen flat): the journaled ticket is not sent again.
    await w.service.run();
    expect(w.placed).toHaveLength(1);
  });

  it('tries a new ticket only when the earlier closing order failed, at most three times', async () => {
    const w = world(plan);
    await w.service.run();
    const first = w.placed[0]!.ticketId;
    w.journal.set(first, 'REJECTED');
    await w.service.run();
    expect(w.placed.map((p) => p.ticketId.slice(-2))).toEqual(['-1', '-2']);
    w.journal.set(w.placed[1]!.ticketId, 'REJECTED');
    await w.service.run();
    w.journal.set(w.placed[2]!.ticketId, 'REJECTED');
    await w.service.run();
    expect(w.placed).toHaveLength(3);
  });

  it('sends and cancels nothing while the kill switch runs, and says why', async () => {
    const w = world(plan, true);
    const report = await w.service.run();
    expect(w.placed).toEqual([]);
    expect(w.cancelled).toEqual([]);
    expect(report.problems).toEqual(['The kill switch is stopping all trading, so this order was not sent.']);
  });

  it('joins a round already running instead of starting a second', async () => {
    const w = world(plan);
    await Promise.all([w.service.run(), w.service.run()]);
    expect(w.placed).toHaveLength(1);
  });
});
