import { ManualClock } from '../src/main/clock';
import { openDatabase } from '../src/main/store/db';
import { PaperBroker, SIMULATED, pricesFromOneFeed, type PriceRequest, type PriceSource } from '../src/main/trading/paper';
import { benchTempDir } from './lib/graph';
import { metric, type BenchOptions, type BenchResult } from './lib/stats';
import fs from 'node:fs';

/** A price that moves ±2 % around 100 in a sine as the manual clock advances: resting orders cross it. */
class MovingPrice implements PriceSource {
  readonly simulated = true;
  constructor(private readonly clock: ManualClock) {}
  async price(): Promise<number> {
    return Math.round((100 + 2 * Math.sin(this.clock.now() / 10_000)) * 100) / 100;
  }
  prices(requests: readonly PriceRequest[]) {
    return pricesFromOneFeed(requests, SIMULATED, () => this.price());
  }
  describe(): string {
    return 'simulated';
  }
}

/**
 * 5. Paper engine (PaperBroker on the real schema, real durable SQLite settings): orders matched per
 * second, (a) market orders placed and filled at once, (b) resting limit orders filled by evaluate()
 * as the price moves.
 */
export async function paperBench(opts: BenchOptions): Promise<BenchResult> {
  const marketN = opts.quick ? 500 : 2000;
  const restingN = opts.quick ? 600 : 2000;
  const dir = benchTempDir('paper');
  const db = openDatabase(dir);
  try {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 15, 0, 0));
    const broker = new PaperBroker({ db, prices: new MovingPrice(clock), clock, currency: 'USD', startingCash: 1e12 });
    let n = 0;
    // (a) Market orders: place = validate, settle resting orders, price, admit and fill in one transaction.
    for (let i = 0; i < 200; i++) await broker.placeOrder({ clientOrderId: `w${n++}`, symbol: 'US:BENCH', side: 'BUY', quantity: 1, type: 'MARKET' });
    let start = process.hrtime.bigint();
    for (let i = 0; i < marketN; i++) {
      clock.advance(50);
      const ack = await broker.placeOrder({ clientOrderId: `m${n++}`, symbol: 'US:BENCH', side: i % 3 === 2 ? 'SELL' : 'BUY', quantity: 1, type: 'MARKET' });
      if (ack.state !== 'FILLED') throw new Error(`market order not filled: ${ack.state}`);
    }
    const marketSec = Number(process.hrtime.bigint() - start) / 1e9;

    // (b) Resting limits spread 98…102 on both sides; the price then sweeps and evaluate() fills them.
    for (let i = 0; i < restingN; i++) {
      const offset = ((i % 400) - 200) / 100; // -2.00 … +1.99, inside the price swing
      const side = offset < 0 ? 'BUY' : 'SELL';
      await broker.placeOrder({
        clientOrderId: `r${n++}`,
        symbol: 'US:BENCH',
        side,
        quantity: 1,
        type: 'LIMIT',
        limitPrice: Math.round((100 + offset) * 100) / 100,
      });
    }
    const openBefore = (await broker.orders()).filter((o) => o.state === 'OPEN').length;
    let filled = 0;
    let evaluations = 0;
    start = process.hrtime.bigint();
    for (let step = 0; step < 150 && filled < openBefore * 0.9; step++) {
      clock.advance(500);
      filled += (await broker.evaluate()).filter((o) => o.state === 'FILLED').length;
      evaluations++;
    }
    const restingSec = Number(process.hrtime.bigint() - start) / 1e9;
    // An evaluate() with nothing crossing still reads every open order.
    const openNow = (await broker.orders()).filter((o) => o.state === 'OPEN').length;
    return {
      bench: 'paper',
      method:
        `PaperBroker on a fresh profile (real schema, WAL, synchronous = FULL), a price moving ±2 % around 100 on a manual clock; ` +
        `${marketN} market orders placed one after another, then ${restingN} resting limit orders filled by evaluate() as the price sweeps.`,
      metrics: [
        metric('market orders placed + filled', marketN / marketSec, 'orders/s'),
        metric('market order, mean', (marketSec * 1000) / marketN, 'ms'),
        metric('resting limits filled by evaluate()', filled / restingSec, 'fills/s'),
        metric('evaluate() calls', evaluations, 'calls', { note: `${filled} fills of ${openBefore} open; ${openNow} left open` }),
        metric('evaluate() mean', (restingSec * 1000) / evaluations, 'ms'),
        metric('evaluate fills/s ÷ market orders/s', filled / restingSec / (marketN / marketSec), '×'),
      ],
      findings: [
        'Every placeOrder() first runs evaluate(), which loads all open orders (SELECT * … state = OPEN) and re-checks them, so placement cost grows with the number of resting orders; ' +
          'each order placement is one durable transaction (one fsync), which bounds market orders per second by the disk.',
      ],
    };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
