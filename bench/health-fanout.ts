import { startAlpaca } from '../test/simulators/alpaca';
import { benchGraph, benchTempDir } from './lib/graph';
import { startDelayServer } from './lib/delay-server';
import { metric, summarize, timeAsync, timeSync, type BenchOptions, type BenchResult } from './lib/stats';

const CONNECTIONS = 100;
const DELAY_MS = 100;

/**
 * 2. Health fan-out: 100 Alpaca connections (the real adapter) for 100 accounts, whose API host is a loopback
 * server that answers GET /v2/account after 100 ms with the Alpaca simulator's own account body; the time of
 * connections:validateAll through the router against one 100 ms request. Each connection has its own key id:
 * Alpaca counts its 200 requests a minute per account, and so does BrokerVault's rate gate, so 100 connections
 * with one key would rightly wait for that account's budget.
 */
export async function healthFanoutBench(opts: BenchOptions): Promise<BenchResult> {
  const rounds = opts.quick ? 3 : 7;
  const sim = await startAlpaca({ environment: 'live' });
  const headers = { 'APCA-API-KEY-ID': sim.credentials.apiKeyId!, 'APCA-API-SECRET-KEY': sim.credentials.apiSecretKey! };
  const account = (await (await fetch(`${sim.baseUrl}/v2/account`, { headers })).json()) as unknown;
  await sim.close();
  const slow = await startDelayServer(DELAY_MS, account);
  const g = await benchGraph({ dataDir: benchTempDir('health') });
  try {
    const ids: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const apiKeyId = `AKFAN${String(i).padStart(15, '0')}`;
      const c = await g.ok('connections:create', {
        broker: 'alpaca',
        label: `fan-out ${i}`,
        environment: 'live',
        fields: { ...sim.credentials, apiKeyId },
        apiHost: slow.baseUrl,
      });
      ids.push(c.id);
    }
    // Warm-up: one validation per connection one at a time is too slow (100 × 100 ms); one fan-out instead.
    await g.ok('connections:validateAll');
    const bare: number[] = [];
    const single: number[] = [];
    const all: number[] = [];
    const bareAll: number[] = [];
    for (let r = 0; r < rounds; r++) {
      bare.push(await timeAsync(async () => (await fetch(`${slow.baseUrl}/v2/account`, { headers })).text()));
      single.push(await timeAsync(() => g.ok('connections:validate', { id: ids[r % ids.length]! })));
      bareAll.push(await timeAsync(() => Promise.all(ids.map(async () => (await fetch(`${slow.baseUrl}/v2/account`, { headers })).text()))));
      slow.stats.maxInFlight = 0;
      let views: { status: string }[] = [];
      all.push(await timeAsync(async () => (views = await g.ok('connections:validateAll'))));
      const valid = views.filter((v) => v.status === 'valid').length;
      if (valid !== CONNECTIONS) throw new Error(`only ${valid} of ${CONNECTIONS} connections validated`);
    }
    const inFlight = slow.stats.maxInFlight;
    // Diagnostic: the same fan-out with commits not waiting for the disk (bench connection only).
    g.services.db.pragma('synchronous = NORMAL');
    const noSync = summarize(
      await Promise.all([0]).then(async () => {
        const out: number[] = [];
        for (let r = 0; r < Math.min(3, rounds); r++) out.push(await timeAsync(() => g.ok('connections:validateAll')));
        return out;
      }),
    );
    g.services.db.pragma('synchronous = FULL');
    // Work done per validation besides the request: recordCheck's changed() pushes the whole list.
    const list = summarize(Array.from({ length: 20 }, () => timeSync(() => g.services.connections.list())));
    const bareS = summarize(bare);
    const singleS = summarize(single);
    const allS = summarize(all);
    const bareAllS = summarize(bareAll);
    return {
      bench: 'health-fanout',
      method:
        `${CONNECTIONS} active Alpaca connections (real adapter, real vault and store) pointed at a bench loopback server that answers after ${DELAY_MS} ms; ` +
        `connections:validateAll via the router, ${rounds} rounds, against a bare fetch() of the same server and one connections:validate.`,
      metrics: [
        metric('bare request p50', bareS.p50, 'ms'),
        metric('connections:validate (one) p50', singleS.p50, 'ms'),
        metric(`connections:validateAll (${CONNECTIONS}) p50`, allS.p50, 'ms'),
        metric(`connections:validateAll (${CONNECTIONS}) max`, allS.max, 'ms'),
        metric('validateAll / bare request (p50)', allS.p50 / bareS.p50, '×', { target: 1.5 }),
        metric('validateAll / one validate (p50)', allS.p50 / singleS.p50, '×'),
        metric(`bare ${CONNECTIONS} concurrent fetch() p50`, bareAllS.p50, 'ms'),
        metric(`validateAll / bare ${CONNECTIONS} concurrent fetch()`, allS.p50 / bareAllS.p50, '×'),
        metric('requests in flight at once', inFlight, 'req'),
        metric('validateAll, synchronous=NORMAL p50', noSync.p50, 'ms', { note: 'diagnostic' }),
        metric('connections.list() with 100 connections p50', list.p50, 'ms'),
      ],
      findings: [
        `All ${CONNECTIONS} requests were in flight together (max ${inFlight}); the rest is main-thread work per connection: decrypting credentials, ` +
          `recording the outcome (outcomes finishing in the same event-loop turn share one durable commit), and the renderer's list, ` +
          `pushed once per event-loop turn (connections.list() with ${CONNECTIONS} connections: p50 ${list.p50.toFixed(2)} ms).`,
      ],
    };
  } finally {
    g.close();
    await slow.close();
  }
}
