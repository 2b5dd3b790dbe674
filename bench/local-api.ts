import http from 'node:http';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { LocalApiService, findFreePort } from '../src/main/local-api/service';
import type { LocalApiServices } from '../src/main/local-api/verb';
import { ALL_VERBS } from '../src/main/local-api/verbs';
import { AppSettings } from '../src/main/store/app-settings';
import { systemClock } from '../src/main/clock';
import { systemScheduler } from '../src/main/scheduler';
import type { OrderTicket } from '../src/shared/schemas';
import { startChild } from './lib/child';
import { benchGraph, benchTempDir } from './lib/graph';
import { interleave, metric, nowMs, percentile, summarize, warmUp, type BenchOptions, type BenchResult } from './lib/stats';

/**
 * The real verbs, placeorder and orderbook, over HTTP, against the IPC handlers the window uses (orders:place,
 * orders:list) in the same run, interleaved: API − IPC is the cost of the local API's layer plus the verb's own work
 * (HTTP, JSON, Host/Origin checks, key lookup, rate limit, audit row, guard, OpenAlgo field checks, symbol mapping,
 * OpenAlgo's reply shape).
 */
const ORDER_BOOK_LIMIT = 500;

/** POST over one keep-alive connection; resolves with the body text. */
function poster(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return (verb: string, body: unknown) =>
    new Promise<string>((resolve, reject) => {
      const text = JSON.stringify(body);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: `/api/v1/${verb}`,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (data += c));
          res.on('end', () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`HTTP ${res.statusCode}: ${data}`))));
        },
      );
      req.on('error', reject);
      req.end(text);
    });
}

/** 9. Local API: placeorder over HTTP against the IPC path, and read verbs at 500 requests a second. */
export async function localApiBench(opts: BenchOptions): Promise<BenchResult> {
  const iterations = opts.quick ? 300 : 1000;
  const load0 = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  const g = await benchGraph({ dataDir: benchTempDir('local-api') });
  const s = g.services;
  const services: LocalApiServices = {
    trading: s.trading,
    connections: s.connections,
    brokerCalls: s.brokerCalls,
    market: s.market,
    brokers: s.brokers,
    audit: s.audit,
    log: s.log,
  };
  const api = new LocalApiService({
    db: s.db,
    settings: new AppSettings(s.db),
    audit: s.audit,
    clock: systemClock,
    scheduler: systemScheduler(),
    log: s.log,
    services,
    verbs: ALL_VERBS,
  });
  try {
    const restPort = await findFreePort(15000);
    const status = await api.configure({ enabled: true, restPort, wsPort: await findFreePort(restPort + 1, [restPort]) });
    if (status.rest.state !== 'listening') throw new Error(status.rest.message ?? 'local API did not start');
    const { secret } = api.createKey('bench', { permission: 'trade', paper: true, connectionIds: [] });
    const post = poster(status.rest.port);
    const run = randomBytes(3).toString('hex');
    const ticket = (i: number, via: string): OrderTicket => ({
      ticketId: `bench-${run}-${via}-${i}`,
      symbol: 'US:BENCH',
      side: 'BUY',
      quantity: 1,
      type: 'MARKET',
    });
    const ipc = async (i: number) => {
      const t0 = nowMs();
      await g.ok('orders:place', ticket(i, 'ipc'));
      return nowMs() - t0;
    };
    // OpenAlgo's placeorder body, as a script sends it; the verb maps BENCH on US to US:BENCH (the paper key has no connection).
    const order = { apikey: secret, strategy: 'bench', symbol: 'BENCH', exchange: 'US', action: 'BUY', quantity: 1, pricetype: 'MARKET', product: 'CNC' };
    const viaApi = async () => {
      const t0 = nowMs();
      const reply = JSON.parse(await post('placeorder', order)) as { status: string; orderid?: string };
      if (reply.status !== 'success' || !reply.orderid) throw new Error(`placeorder did not place: ${JSON.stringify(reply)}`);
      return nowMs() - t0;
    };
    await warmUp(100, (i) => ipc(1_000_000 + i));
    await warmUp(100, () => viaApi());
    const placed = await interleave(iterations, () => viaApi(), ipc);
    const apiPlace = summarize(placed.a);
    const ipcPlace = summarize(placed.b);

    // The order book, now holding thousands of paper orders: the orderbook verb (its newest 500, in OpenAlgo's rows
    // with its statistics) against orders:list of the same 500 over IPC, interleaved.
    const bookViaApi = async () => {
      const t0 = nowMs();
      const reply = JSON.parse(await post('orderbook', { apikey: secret })) as { status: string; data?: { orders: unknown[] } };
      if (reply.status !== 'success' || !reply.data?.orders.length) throw new Error('orderbook did not answer a book');
      return nowMs() - t0;
    };
    const bookViaIpc = async () => {
      const t0 = nowMs();
      await g.ok('orders:list', { limit: ORDER_BOOK_LIMIT });
      return nowMs() - t0;
    };
    await warmUp(50, () => bookViaApi());
    await warmUp(50, () => bookViaIpc());
    const books = await interleave(
      opts.quick ? 200 : 500,
      () => bookViaApi(),
      () => bookViaIpc(),
    );
    const apiBook = summarize(books.a);
    const ipcBook = summarize(books.b);

    // Reads at 500 requests a second each: ping and the real orderbook verb.
    const seconds = opts.quick ? 3 : 6;
    // The script in its own process, as a trader's would be: the app's event loop serves, it does not also send.
    const client = await startChild<{ ready: true }>(path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib/api-client.ts'));
    type Load = { latencies: number[]; failed: number; errors: string[]; achieved: number; clientLoopDelayP99: number; clientCpuShare: number };
    const loadOf = (verb: string, extra: Record<string, unknown> = {}, forSeconds = seconds) =>
      client.ask<Load>(
        { cmd: 'load', port: status.rest.port, verb, body: { apikey: secret, ...extra }, rate: 500, seconds: forSeconds, warmUpSeconds: 1 },
        (forSeconds + 31) * 1000,
      );
    const newest = s.trading.orders.list({ limit: 1 })[0]!.id;
    // The other read verbs over the same paper account (thousands of fills), each for a shorter run.
    const otherReads: [string, Record<string, unknown>][] = [
      ['positionbook', {}],
      ['funds', {}],
      ['tradebook', {}],
      ['holdings', {}],
      ['orderstatus', { orderid: newest }],
    ];
    const others: [string, Load][] = [];
    // The app's own event loop while it serves the order book: what BrokerVault adds, apart from the script and the OS.
    const appLoop = monitorEventLoopDelay({ resolution: 1 });
    let ping: Load;
    let book: Load;
    try {
      ping = await loadOf('ping');
      appLoop.enable();
      book = await loadOf('orderbook');
      appLoop.disable();
      for (const [verb, extra] of otherReads) others.push([verb, await loadOf(verb, extra, opts.quick ? 2 : 3)]);
    } finally {
      client.stop();
    }
    const auditRows = s.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'api.call'").get()!.n;
    return {
      bench: 'local-api',
      method:
        `Paper mode on a fresh profile; the local API on 127.0.0.1 with a trade key (HTTP/1.1 keep-alive clients: in the same process for the interleaved orders, in a child process for the reads). ` +
        `${iterations} market orders over the real POST /api/v1/placeorder (OpenAlgo's body) interleaved with ${iterations} over orders:place (router, IPC schemas), ` +
        `both through the one order path; then the real orderbook verb (newest ${ORDER_BOOK_LIMIT} orders) interleaved with orders:list of as many over IPC; ` +
        `then ping and orderbook at 500 requests/s each for ${seconds} s, and positionbook, funds, tradebook, holdings and orderstatus for ${opts.quick ? 2 : 3} s each, each after 1 s at that rate not counted (open loop, client in a child process). Load average at the start ${load0}, at the end ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' / ')}.`,
      metrics: [
        metric('placeorder via IPC p50', ipcPlace.p50, 'ms'),
        metric('placeorder via API p50', apiPlace.p50, 'ms'),
        metric('API − IPC p50', apiPlace.p50 - ipcPlace.p50, 'ms', { target: 1 }),
        metric('API − IPC p99', apiPlace.p99 - ipcPlace.p99, 'ms'),
        metric('orderbook via IPC p50', ipcBook.p50, 'ms'),
        metric('orderbook via API p50', apiBook.p50, 'ms'),
        metric('orderbook API − IPC p50', apiBook.p50 - ipcBook.p50, 'ms'),
        metric('orderbook API − IPC p99', apiBook.p99 - ipcBook.p99, 'ms'),
        metric('ping at 500/s: achieved', ping.achieved, 'req/s', { target: 475, higherIsBetter: true }),
        metric('ping at 500/s p99', percentile(ping.latencies, 99), 'ms', { target: 10 }),
        metric('order book at 500/s: achieved', book.achieved, 'req/s', { target: 475, higherIsBetter: true }),
        metric('order book at 500/s p50', percentile(book.latencies, 50), 'ms'),
        metric('order book at 500/s p99', percentile(book.latencies, 99), 'ms', { target: 10 }),
        metric('order book at 500/s: app event-loop delay p99', appLoop.percentile(99) / 1e6, 'ms'),
        metric('order book at 500/s: script event-loop delay p99', book.clientLoopDelayP99, 'ms'),
        metric('order book at 500/s: script CPU', book.clientCpuShare * 100, '% of a core'),
        ...others.flatMap(([verb, load]) => [
          metric(`${verb} at 500/s: achieved`, load.achieved, 'req/s', { target: 475, higherIsBetter: true }),
          metric(`${verb} at 500/s p99`, percentile(load.latencies, 99), 'ms', { target: 10 }),
        ]),
        metric(
          'read requests failed',
          [ping, book, ...others.map(([, l]) => l)].reduce((n, l) => n + l.failed, 0),
          'requests',
          {
            note: [...new Set([ping, book, ...others.map(([, l]) => l)].flatMap((l) => l.errors))].join(', ') || undefined,
          },
        ),
      ],
      findings: [
        `Every call adds one audit row (${auditRows} api.call rows written in this run): queued and written in one transaction every 200 ms (service.ts), part of the overhead measured.`,
      ],
    };
  } finally {
    await api.close();
    g.close();
  }
}
