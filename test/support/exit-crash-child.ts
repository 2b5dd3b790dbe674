import path from 'node:path';
import { ManualClock } from '../../src/main/clock';
import { createServices } from '../../src/main/composition';
import { confPreferences } from '../../src/main/preferences-conf';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { FileKeyStore } from './file-keystore';
import { fakeAdapter } from './fake-broker';

/**
 * Child process for the exit crash test: starts the app on the data directory (which re-arms or follows the exits a
 * kill interrupted), buys a position, sets a stop-loss with target whose stop the price is already through, prints
 * "ready <exitId>", and polls the feed until it is killed. The parent SIGKILLs it at a random moment around the trigger.
 */
const dataDir = process.argv[2]!;
const round = Number(process.argv[3] ?? 0);
const at = Number(process.argv[4]);
const SYMBOL = 'NSE:INFY';
const clock = new ManualClock(at);
const services = await createServices({
  dataDir,
  clock,
  keyStore: new FileKeyStore(path.join(dataDir, 'test-key.json')),
  preferences: confPreferences(dataDir),
  logSink: { write: () => undefined },
  brokers: [fakeAdapter('alpaca')],
});
await services.trading.start();
const price = simulatedPriceAt(SYMBOL, at);
const bought = await services.router.handle(
  'orders:place',
  { url: 'app://bundle/index.html', isMainFrame: true },
  { ticketId: `crash-buy-${round}`, symbol: SYMBOL, side: 'BUY', quantity: 10, type: 'MARKET' },
);
if (!bought.ok) throw new Error(JSON.stringify(bought.error));
const placed = await services.router.handle(
  'exits:place',
  { url: 'app://bundle/index.html', isMainFrame: true },
  { requestId: `crash-exit-${round}`, kind: 'oco', symbol: SYMBOL, exitSide: 'SELL', quantity: 10, targetPrice: price * 2, stopPrice: price * 1.01 },
);
if (!placed.ok) throw new Error(JSON.stringify(placed.error));
process.stdout.write(`ready ${(placed.value as { status: 'placed'; exit: { id: string } }).exit.id}\n`);
for (;;) {
  await services.trading.exits.poll();
  await new Promise<void>((resolve) => setImmediate(resolve));
}
