import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { openDatabase } from '../src/main/store/db';
import { adapter as alpacaAdapter } from '../src/main/brokers/alpaca/adapter';
import { rateLimits, type BrokerAdapter } from '../src/main/brokers/types';
import type { OrderTicket } from '../src/shared/schemas';
import { startAlpaca } from '../test/simulators/alpaca';
import { benchGraph, benchTempDir, TRUSTED_SENDER } from './lib/graph';
import { metric, interleave, summarize, type BenchOptions, type BenchResult } from './lib/stats';

/**
 * 1. Order path overhead: router.handle('orders:place') in live mode on an Alpaca connection pointed at
 * the loopback Alpaca simulator, against a bare fetch() of the same POST /v2/orders to the same simulator.
 */
export async function orderPathBench(opts: BenchOptions): Promise<BenchResult> {
  const iterations = opts.quick ? 300 : 1000;
  const warm = opts.quick ? 100 : 300;
  const findings: string[] = [];

  const sim = await startAlpaca({ environment: 'live' });
  // The simulator's own 200/min window would answer 429 after a few hundred orders.
  sim.setRateLimit(1_000_000_000);
  // Thousands of resting orders and the market orders must not run out of simulated buying power.
  sim.exchange.cash = 1e12;
  // Alpaca's documented 200 calls/min client-side gate would make the bench wait, not measure: the real
  // adapter, with only its rate-limit table raised (the p-throttle gates still run on every call).
  const relaxed: BrokerAdapter = {
    ...alpacaAdapter,
    rateLimits: rateLimits({ budgets: { trading: [{ limit: 1_000_000, intervalMs: 1000 }] }, spend: () => ({ trading: 1 }) }),
  };

  // Counts every broker request, and the time spent waiting for it, per order.
  let requests = 0;
  let networkMs = 0;
  const counting: typeof fetch = async (input, init) => {
    requests++;
    const start = process.hrtime.bigint();
    try {
      return await globalThis.fetch(input, init);
    } finally {
      networkMs += Number(process.hrtime.bigint() - start) / 1e6;
    }
  };

  const g = await benchGraph({ dataDir: benchTempDir('orders'), brokers: [relaxed], fetch: counting });
  try {
    const conn = await g.ok('connections:connect', {
      broker: 'alpaca',
      label: 'bench live',
      environment: 'live',
      fields: { ...sim.credentials },
      apiHost: sim.baseUrl,
    });
    if (conn.status !== 'valid') throw new Error(`connection not valid: ${conn.status} ${conn.lastError}`);
    const request = await g.ok('mode:requestLive', { connectionId: conn.id });
    const mode = await g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: request.phrase });
    if (mode.mode !== 'live') throw new Error('could not go live');

    const run = randomBytes(4).toString('hex');
    const ticket = (i: number, type: 'LIMIT' | 'MARKET' = 'LIMIT'): OrderTicket => ({
      ticketId: `bench-${run}-${type[0]}-${i}`,
      symbol: 'US:AAPL',
      side: 'BUY',
      quantity: 1,
      type,
      // Far below the market: the order rests at the simulator and blocks $1 of buying power.
      ...(type === 'LIMIT' ? { limitPrice: 1 } : {}),
    });
    const headers = {
      accept: 'application/json',
      'content-type': 'application/json',
      'APCA-API-KEY-ID': sim.credentials.apiKeyId!,
      'APCA-API-SECRET-KEY': sim.credentials.apiSecretKey!,
    };
    const bareBody = (i: number) =>
      JSON.stringify({ symbol: 'AAPL', qty: '1', side: 'buy', type: 'limit', time_in_force: 'day', limit_price: '1', client_order_id: `bare-${run}-${i}` });

    let perOrderRequests = 0;
    let lastState = '';
    const placeOne = async (i: number): Promise<{ ms: number; appMs: number }> => {
      requests = 0;
      networkMs = 0;
      const start = process.hrtime.bigint();
      const result = await g.services.router.handle('orders:place', TRUSTED_SENDER, ticket(i));
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (!result.ok) throw new Error(`orders:place failed: ${result.error.code} ${result.error.message}`);
      const value = result.value as { status: string; order?: { state: string } };
      if (value.status !== 'placed') throw new Error(`order not placed: ${value.status}`);
      lastState = value.order!.state;
      perOrderRequests = requests;
      return { ms, appMs: ms - networkMs };
    };
    let bareId = '';
    const bareOne = async (i: number, withGet: boolean): Promise<number> => {
      const start = process.hrtime.bigint();
      const res = await fetch(`${sim.baseUrl}/v2/orders`, { method: 'POST', headers, body: bareBody(i) });
      const body = (await res.json()) as { id: string };
      if (res.status !== 200) throw new Error(`bare POST answered ${res.status}`);
      bareId = body.id;
      if (withGet) {
        const got = await fetch(`${sim.baseUrl}/v2/orders/${bareId}`, { headers });
        await got.text();
      }
      return Number(process.hrtime.bigint() - start) / 1e6;
    };

    // Warm-up: JIT, the daily instrument master download, undici's keep-alive sockets, SQLite page cache.
    for (let i = 0; i < warm; i++) {
      await placeOne(-1 - i);
      await bareOne(-1 - i, true);
    }
    opts.log(`  order path: ${iterations} orders interleaved with bare requests`);
    const app: number[] = [];
    const pathVsBare = await interleave(
      iterations,
      async (i) => {
        const r = await placeOne(i);
        app.push(r.appMs);
        return r.ms;
      },
      (i) => bareOne(iterations + i, false),
    );
    const pair = await interleave(
      Math.floor(iterations / 3),
      (i) => bareOne(10 * iterations + i, true),
      async () => 0,
    );
    // Market orders: no price on the ticket (a quote is fetched only when a max order value limit is set).
    const marketN = opts.quick ? 30 : 100;
    let marketRequests = 0;
    const market: number[] = [];
    for (let i = 0; i < marketN; i++) {
      requests = 0;
      const start = process.hrtime.bigint();
      const r = await g.services.router.handle('orders:place', TRUSTED_SENDER, ticket(i, 'MARKET'));
      market.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (!r.ok) throw new Error(`market order failed: ${r.error.message}`);
      marketRequests = requests;
    }

    // What the path does per order: SQLite statements prepared and transactions committed (counted in a separate pass).
    const db = g.services.db;
    const realPrepare = db.prepare.bind(db);
    const realTransaction = db.transaction.bind(db);
    let prepares = 0;
    let transactions = 0;
    const counted = 20;
    db.prepare = ((sql: string) => {
      prepares++;
      return realPrepare(sql);
    }) as typeof db.prepare;
    db.transaction = ((fn: (...args: unknown[]) => unknown) => {
      const tx = realTransaction(fn);
      const wrapped = ((...args: unknown[]) => {
        transactions++;
        return tx(...args);
      }) as typeof tx;
      return wrapped;
    }) as typeof db.transaction;
    for (let i = 0; i < counted; i++) await placeOne(20 * iterations + i);
    db.prepare = realPrepare;
    db.transaction = realTransaction;

    // The cost of one durable commit (synchronous = FULL, WAL) on this disk, in a database of its own.
    const probeDir = benchTempDir('commit');
    const probe = openDatabase(probeDir);
    const commits: number[] = [];
    const write = probe.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
    for (let i = 0; i < (opts.quick ? 200 : 500); i++) {
      const start = process.hrtime.bigint();
      probe.transaction(() => write.run('k', String(i)))();
      commits.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    // A statement the database has not prepared before (a new SQL text each time), and one it keeps (statement-cache.ts).
    const prepareMs: number[] = [];
    const keptMs: number[] = [];
    for (let i = 0; i < 500; i++) {
      let start = process.hrtime.bigint();
      probe.prepare(`SELECT * FROM order_journal WHERE client_order_id = ? -- ${i}`);
      prepareMs.push(Number(process.hrtime.bigint() - start) / 1e6);
      start = process.hrtime.bigint();
      probe.prepare('SELECT * FROM order_journal WHERE client_order_id = ?');
      keptMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    probe.close();
    fs.rmSync(probeDir, { recursive: true, force: true });
    const commit = summarize(commits);

    // The same path with commits not waiting for the disk (synchronous = NORMAL on this bench's connection only):
    // what is left is the path's CPU time.
    db.pragma('synchronous = NORMAL');
    const appNoSync: number[] = [];
    const noSync = await interleave(
      Math.floor(iterations / 2),
      async (i) => {
        const r = await placeOne(30 * iterations + i);
        appNoSync.push(r.appMs);
        return r.ms;
      },
      (i) => bareOne(40 * iterations + i, false),
    );
    db.pragma('synchronous = FULL');
    const pathNoSync = summarize(noSync.a);
    const bareNoSync = summarize(noSync.b);
    const appNs = summarize(appNoSync);

    const path = summarize(pathVsBare.a);
    const bare = summarize(pathVsBare.b);
    const bare2 = summarize(pair.a);
    const appOnly = summarize(app);
    const mkt = summarize(market);
    findings.push(
      `Each live order makes ${perOrderRequests} broker requests (POST /v2/orders, then GET /v2/orders/{id} because "an acknowledgement is not a fill"); last state ${lastState}. ` +
        `Against a bare POST+GET pair (p50 ${bare2.p50.toFixed(3)} ms) the path adds ${(path.p50 - bare2.p50).toFixed(3)} ms at p50 and ${(path.p99 - bare2.p99).toFixed(3)} ms at p99.`,
    );
    findings.push(
      `A MARKET order (no order value limit set, so no quote is fetched): p50 ${mkt.p50.toFixed(3)} ms vs ${path.p50.toFixed(3)} ms for LIMIT, ` +
        `${marketRequests} broker requests on the last one; the simulator fills it at once, so the follow-up lookup returns a filled order and a position update.`,
    );
    findings.push(
      `Per LIMIT order the path asks for ${(prepares / counted).toFixed(0)} SQLite statements, all kept from earlier orders (a kept one costs p50 ${summarize(keptMs).p50.toFixed(4)} ms; preparing a new one would cost p50 ${summarize(prepareMs).p50.toFixed(3)} ms), and commits ` +
        `${(transactions / counted).toFixed(0)} transactions, each durable (synchronous = FULL). One durable commit on this disk costs p50 ${commit.p50.toFixed(3)} ms / p99 ${commit.p99.toFixed(3)} ms.`,
    );
    findings.push(
      `With commits not waiting for the disk (synchronous = NORMAL, bench connection only) the path's app time is p50 ${appNs.p50.toFixed(3)} ms / p99 ${appNs.p99.toFixed(3)} ms ` +
        `and it adds ${(pathNoSync.p50 - bareNoSync.p50).toFixed(3)} ms (p50) / ${(pathNoSync.p99 - bareNoSync.p99).toFixed(3)} ms (p99) to a bare POST.`,
    );
    return {
      bench: 'order-path',
      method:
        'router.handle("orders:place") in live mode (Alpaca adapter, loopback Alpaca simulator, simulator and client rate limits raised), ' +
        `${iterations} LIMIT orders interleaved with ${iterations} bare fetch() POST /v2/orders to the same simulator; app time = path time minus time awaiting fetch().`,
      metrics: [
        metric('bare POST p50', bare.p50, 'ms'),
        metric('bare POST p99', bare.p99, 'ms'),
        metric('orders:place p50', path.p50, 'ms'),
        metric('orders:place p99', path.p99, 'ms'),
        metric('added vs bare POST p50', path.p50 - bare.p50, 'ms', { target: 1 }),
        metric('added vs bare POST p99', path.p99 - bare.p99, 'ms', { target: 3 }),
        metric('bare POST+GET p50', bare2.p50, 'ms'),
        metric('added vs bare POST+GET p50', path.p50 - bare2.p50, 'ms', { target: 1, note: 'same two round trips' }),
        metric('added vs bare POST+GET p99', path.p99 - bare2.p99, 'ms', { target: 3, note: 'same two round trips' }),
        metric('app time (not awaiting fetch) p50', appOnly.p50, 'ms'),
        metric('app time (not awaiting fetch) p99', appOnly.p99, 'ms'),
        metric('broker requests per LIMIT order', perOrderRequests, 'req'),
        metric('durable commits per LIMIT order', transactions / counted, 'tx'),
        metric('one durable commit p50', commit.p50, 'ms'),
        metric('app time, synchronous=NORMAL p50', appNs.p50, 'ms', { note: 'diagnostic' }),
        metric('app time, synchronous=NORMAL p99', appNs.p99, 'ms', { note: 'diagnostic' }),
        metric('MARKET orders:place p50', mkt.p50, 'ms', { note: 'quote fetched first' }),
      ],
      findings,
    };
  } finally {
    g.close();
    await sim.close();
  }
}
