import fs from 'node:fs';
import path from 'node:path';
import { createServices } from '../../../src/main/composition';
import { ManualClock } from '../../../src/main/clock';
import { confPreferences } from '../../../src/main/preferences-conf';
import { FileKeyStore } from '../file-keystore';
import { TRUSTED_SENDER } from '../graph';
import { MODIFY_CRASH } from './modify-crash';

/**
 * Child process for the modify crash test: places one resting paper order, then modifies it and SIGKILLs itself at
 * kill point number `killAt`: before and after the paper engine applies the change, inside each database transaction
 * before it commits, and after each commit. Prints "order <id>" once the order rests, "point <n> <name>" as it passes
 * each kill point, and "done" if it finishes.
 */
const [dataDir, killAtText] = process.argv.slice(2) as [string, string];
const killAt = Number(killAtText);
let armed = false;
let passed = 0;
function point(name: string): void {
  if (!armed) return;
  passed++;
  fs.writeSync(1, `point ${passed} ${name}\n`);
  if (passed === killAt) process.kill(process.pid, 'SIGKILL');
}

const services = await createServices({
  dataDir,
  keyStore: new FileKeyStore(path.join(dataDir, 'test-key.json')),
  preferences: confPreferences(dataDir),
  logSink: { write: () => undefined },
  clock: new ManualClock(MODIFY_CRASH.at),
  scrypt: { N: 2 ** 10, r: 8, p: 1 },
});
const transaction = services.db.transaction.bind(services.db);
services.db.transaction = ((fn: (...args: unknown[]) => unknown) => {
  const tx = transaction((...args: unknown[]) => {
    const result = fn(...args);
    point('before commit (in transaction)');
    return result;
  });
  return (...args: unknown[]) => {
    const result = tx(...args);
    point('after commit');
    return result;
  };
}) as unknown as typeof services.db.transaction;
const desk = services.trading.paper;
const modify = desk.modify;
desk.modify = async (...args) => {
  point('before the paper engine changes the order');
  const ack = await modify(...args);
  point('after the paper engine changed the order');
  return ack;
};

const call = async (channel: string, input: unknown): Promise<unknown> => {
  const result = await services.router.handle(channel as never, TRUSTED_SENDER, input);
  if (!result.ok) {
    console.error(JSON.stringify(result.error));
    process.exit(1);
  }
  return result.value;
};
await call('limits:set', { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });
const placed = (await call('orders:place', MODIFY_CRASH.ticket)) as { order: { id: string; state: string } };
if (placed.order.state !== 'OPEN') {
  console.error(`the order did not rest: ${placed.order.state}`);
  process.exit(1);
}
fs.writeSync(1, `order ${placed.order.id}\n`);
armed = true;
await call('orders:modify', MODIFY_CRASH.request(placed.order.id));
armed = false;
fs.writeSync(1, 'done\n');
services.close();
process.exit(0);
