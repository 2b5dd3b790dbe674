import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { LocalApiService, findFreePort } from '../src/main/local-api/service';
import type { LocalApiServices, Verb } from '../src/main/local-api/verb';
import { ALL_VERBS } from '../src/main/local-api/verbs';
import { AppSettings } from '../src/main/store/app-settings';
import { systemClock } from '../src/main/clock';
import type { OrderTicket } from '../src/shared/schemas';
import { startChild } from './lib/child';
import { benchGraph, benchTempDir } from './lib/graph';
import { interleave, metric, nowMs, percentile, summarize, warmUp, type BenchOptions, type BenchResult } from './lib/stats';

/**
 * The bench's two verbs do exactly what the IPC handlers do (orders:place, orders:list), so API − IPC is the cost of
 * the local API's own layer: HTTP, JSON, Host/Origin checks, key lookup, rate limit, audit row, guard.
 */
const TicketInput = z.object({ ticketId: z.string(), symbol: z.string(), quantity: z.number() });
const benchPlace: Verb<typeof TicketInput> = {
  name: 'benchplace',
  permission: 'trade',
  input: TicketInput,
  async run({ services }, t) {
    const result = await services.trading.orders.place({ ticketId: t.ticketId, symbol: t.symbol, side: 'BUY', quantity: t.quantity, type: 'MARKET' }, 'api');
    return { httpStatus: 200, body: { status: 'success', data: result.status === 'placed' ? { orderid: result.order.id } : {} } };
  },
};
const benchBook: Verb = {
  name: 'benchorderbook',
  permission: 'read',
  input: z.object({}),
  async run({ services }) {
    const orders = services.trading.orders.list({ limit: 50 });
    return { httpStatus: 200, body: { status: 'success', data: { orders } } };
  },
};

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
    log: s.log,
    services,
    verbs: [...ALL_VERBS, benchPlace as Verb, benchBook],
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
    const viaApi = async (i: number) => {
      const t0 = nowMs();
      await post('benchplace', { apikey: secret, ticketId: ticket(i, 'api').ticketId, symbol: 'US:BENCH', quantity: 1 });
      return nowMs() - t0;
    };
    await warmUp(100, (i) => ipc(1_000_000 + i));
    await warmUp(100, (i) => viaApi(1_000_000 + i));
    const placed = await interleave(iterations, viaApi, ipc);
    const apiPlace = summarize(placed.a);
    const ipcPlace = summarize(placed.b);

    // Reads: the same book over IPC as the baseline, then ping and the order book over HTTP at 500/s each.
    const seconds = opts.quick ? 3 : 6;
    const ipcReads: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t0 = nowMs();
      await g.ok('orders:list', {});
      ipcReads.push(nowMs() - t0);
    }
    // The script in its own process, as a trader's would be: the app's event loop serves, it does not also send.
    const client = await startChild<{ ready: true }>(path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib/api-client.ts'));
    type Load = { latencies: number[]; failed: number; errors: string[]; achieved: number };
    const loadOf = (verb: string) =>
      client.ask<Load>({ cmd: 'load', port: status.rest.port, verb, body: { apikey: secret }, rate: 500, seconds }, (seconds + 30) * 1000);
    let ping: Load;
    let book: Load;
    try {
      ping = await loadOf('ping');
      book = await loadOf('benchorderbook');
    } finally {
      client.stop();
    }
    const auditRows = s.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'api.call'").get()!.n;
    return {
      bench: 'local-api',
      method:
        `Paper mode on a fresh profile; the local API on 127.0.0.1 with a trade key (HTTP/1.1 keep-alive clients: in the same process for the interleaved orders, in a child process for the reads). ` +
        `${iterations} market orders over POST /api/v1/benchplace interleaved with ${iterations} over orders:place (router, IPC schemas), ` +
        `both through the one order path; then ping and a 50-order book at 500 requests/s each for ${seconds} s (open loop), the IPC read as baseline.`,
      metrics: [
        metric('placeorder via IPC p50', ipcPlace.p50, 'ms'),
        metric('placeorder via API p50', apiPlace.p50, 'ms'),
        metric('API − IPC p50', apiPlace.p50 - ipcPlace.p50, 'ms', { target: 1 }),
        metric('API − IPC p99', apiPlace.p99 - ipcPlace.p99, 'ms'),
        metric('order book via IPC p50 (baseline)', percentile(ipcReads, 50), 'ms'),
        metric('ping at 500/s: achieved', ping.achieved, 'req/s', { target: 475, higherIsBetter: true }),
        metric('ping at 500/s p99', percentile(ping.latencies, 99), 'ms', { target: 10 }),
        metric('order book at 500/s: achieved', book.achieved, 'req/s', { target: 475, higherIsBetter: true }),
        metric('order book at 500/s p50', percentile(book.latencies, 50), 'ms'),
        metric('order book at 500/s p99', percentile(book.latencies, 99), 'ms', { target: 10 }),
        metric('read requests failed', ping.failed + book.failed, 'requests', { note: [...new Set([...ping.errors, ...book.errors])].join(', ') || undefined }),
      ],
      findings: [
        `Every call adds one audit row (${auditRows} api.call rows written in this run): a synchronous SQLite insert with its hash, part of the overhead measured.`,
      ],
    };
  } finally {
    await api.close();
    g.close();
  }
}
