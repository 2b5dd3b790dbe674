import { describe, expect, it } from 'vitest';
import { ExitRequestSchema } from '../../../src/shared/exit-schemas';

/** What the exit ticket's request may be, and the words a refused one gets (before main does anything). */

const base = { requestId: 'exit-request-1', symbol: 'US:AAPL', exitSide: 'SELL', quantity: 2 } as const;
const problem = (input: unknown) => {
  const parsed = ExitRequestSchema.safeParse(input);
  return parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('exit requests', () => {
  it('takes a sound bracket, stop-loss with target and trailing stop', () => {
    expect(problem({ ...base, kind: 'bracket', entry: { type: 'LIMIT', limitPrice: 100 }, targetPrice: 110, stopPrice: 95 })).toBeNull();
    expect(problem({ ...base, kind: 'bracket', entry: { type: 'MARKET' }, targetPrice: 110, stopPrice: 95, stopLimitPrice: 94.5 })).toBeNull();
    expect(problem({ ...base, kind: 'oco', exitSide: 'BUY', targetPrice: 90, stopPrice: 105 })).toBeNull();
    expect(problem({ ...base, kind: 'trailing', trail: { percent: 1.5 } })).toBeNull();
    expect(problem({ ...base, kind: 'trailing', trail: { amount: 2 } })).toBeNull();
  });

  it('refuses what does not fit the kind, in BrokerVault’s words', () => {
    expect(problem({ ...base, kind: 'bracket', targetPrice: 110, stopPrice: 95 })).toEqual(['entry: A bracket needs its entry order.']);
    expect(problem({ ...base, kind: 'oco', entry: { type: 'MARKET' }, targetPrice: 110, stopPrice: 95 })).toEqual([
      'entry: Only a bracket has an entry order, not a stop-loss with target.',
    ]);
    expect(problem({ ...base, kind: 'bracket', entry: { type: 'LIMIT' }, targetPrice: 110, stopPrice: 95 })).toEqual([
      'entry: A limit price is required for a LIMIT entry, and only for it.',
    ]);
    expect(problem({ ...base, kind: 'trailing' })).toEqual(['trail: A trailing stop needs its distance (an amount or a percentage).']);
    expect(problem({ ...base, kind: 'trailing', trail: { percent: 1 }, stopPrice: 90 })).toEqual([
      'stopPrice: A trailing stop sets its own stop from the trail; leave target and stop empty.',
    ]);
    expect(problem({ ...base, kind: 'oco', trail: { percent: 1 }, targetPrice: 110, stopPrice: 95 })).toEqual([
      'trail: Only a trailing stop has a trail, not a stop-loss with target.',
    ]);
    expect(problem({ ...base, kind: 'oco', stopPrice: 95 })).toEqual(['targetPrice: A stop-loss with target needs a target price.']);
    expect(problem({ ...base, kind: 'oco', targetPrice: 95 })).toEqual(['stopPrice: A stop-loss with target needs a stop price.']);
  });

  it('refuses levels on the wrong side', () => {
    expect(problem({ ...base, kind: 'oco', targetPrice: 95, stopPrice: 110 })).toEqual(['stopPrice: The stop must be below the target when the exit sells.']);
    expect(problem({ ...base, kind: 'oco', exitSide: 'BUY', targetPrice: 110, stopPrice: 95 })).toEqual([
      'stopPrice: The stop must be above the target when the exit buys.',
    ]);
    expect(problem({ ...base, kind: 'bracket', entry: { type: 'LIMIT', limitPrice: 120 }, targetPrice: 110, stopPrice: 95 })).toEqual([
      'entry: The entry price must lie between the stop and the target.',
    ]);
    expect(problem({ ...base, kind: 'oco', targetPrice: 110, stopPrice: 95, stopLimitPrice: 96 })).toEqual([
      "stopLimitPrice: The stop's limit price must be at or below the stop price.",
    ]);
  });

  it('refuses shapes that are not requests', () => {
    expect(problem({ ...base, kind: 'oco', targetPrice: 110, stopPrice: 95, extra: 1 })).not.toBeNull();
    expect(problem({ ...base, requestId: 'x', kind: 'oco', targetPrice: 110, stopPrice: 95 })).not.toBeNull();
    expect(problem({ ...base, kind: 'oco', targetPrice: -1, stopPrice: 95 })).not.toBeNull();
    expect(problem({ ...base, kind: 'trailing', trail: { percent: 80 } })).not.toBeNull();
    expect(problem({ ...base, kind: 'trailing', trail: { percent: 1, amount: 1 } })).not.toBeNull();
  });
});
