import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { adapter } from '../../../src/main/brokers/ibkr/adapter';
import { IBKR_AUTH_WAIT_MS, IBKR_SILENCE_MS, gatewayStreamUrl } from '../../../src/main/brokers/ibkr/stream-socket';
import { IBKR_SMD_RENEW_MS, type IbkrMarketStream } from '../../../src/main/brokers/ibkr/stream';
import { ManualClock } from '../../../src/main/clock';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../../src/main/streaming/types';
import { recordingConsumer } from '../../support/stream-steps';
import { ibkrStreamRig, MONDAY_10_NY, type IbkrStreamRig } from '../../support/ibkr-stream';
import { arrives } from '../../support/stream-steps';
import { ManualScheduler } from '../../support/manual-scheduler';
import { priceAt } from '../../simulators/exchange';
import type { IbkrSimOptions } from '../../simulators/ibkr';
import { brokerContext } from '../support';
import { behaviour } from './suite';

const AAPL = 265598;
const MSFT = 272093;

async function withRig(body: (rig: IbkrStreamRig) => Promise<void>, options: IbkrSimOptions = {}): Promise<void> {
  const rig = await ibkrStreamRig(options);
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

/** A plain `ws` client on the gateway simulator, keeping every message. */
async function rawClient(url: string) {
  const socket = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  const state = { closed: false };
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  socket.on('close', () => (state.closed = true));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('open', () => resolve()));
  return { socket, messages, state };
}

async function sessionOf(rig: IbkrStreamRig): Promise<string> {
  const res = await fetch(`${rig.sim.baseUrl}/tickle`, { method: 'POST' });
  return ((await res.json()) as { session: string }).session;
}

/**
 * A scripted gateway for what the simulator never sends: /tickle and /iserver/accounts over HTTP, and a websocket
 * that authenticates any session and then runs `script` on every request the client sends.
 */
async function scriptedGateway(script: (socket: WebSocket, request: string) => void) {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/api/tickle') res.end(JSON.stringify({ session: 'scripted-session', iserver: { authStatus: { authenticated: true } } }));
    else res.end(JSON.stringify({ accounts: ['DU1234567'], selectedAccount: 'DU1234567' }));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    socket.send(JSON.stringify({ message: 'waiting for session' }));
    socket.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"session"')) socket.send(JSON.stringify({ topic: 'sts', args: { authenticated: true } }));
      else script(socket, text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const clock = new ManualClock(MONDAY_10_NY);
  const scheduler = new ManualScheduler(clock);
  const ctx = brokerContext({ baseUrl: `http://127.0.0.1:${port}/v1/api`, environment: 'paper', credentials: { accountId: 'DU1234567' }, clock, scheduler });
  return {
    ctx,
    scheduler,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function record(ctx: Parameters<NonNullable<typeof adapter.marketStream>['open']>[0]) {
  const ticks: Tick[] = [];
  const statuses: MarketStreamStatus[] = [];
  const problems: StreamProblem[] = [];
  const stream = adapter.marketStream!.open(ctx, {
    onTick: (t) => ticks.push(t),
    onStatus: (s) => statuses.push(s),
    onProblem: (p) => problems.push(p),
  }) as IbkrMarketStream;
  return { stream, ticks, statuses, problems };
}

/** The streaming section for IBKR: the Client Portal Gateway's websocket (`smd` market data, `sor` live orders). */
export const ibkrStreamingCases = [
  behaviour('streaming', "opens the gateway's /v1/api/ws (wss for the real gateway, ws for the simulator); limits", () => {
    const ctx = (baseUrl: string) => brokerContext({ baseUrl, environment: 'paper', credentials: {}, clock: { now: () => 0 } as never });
    expect(gatewayStreamUrl(ctx('https://localhost:5000/v1/api'))).toBe('wss://localhost:5000/v1/api/ws');
    expect(gatewayStreamUrl(ctx('http://127.0.0.1:4100/v1/api/'))).toBe('ws://127.0.0.1:4100/v1/api/ws');
    expect(adapter.marketStream!.limits).toEqual({ instrumentsPerSocket: 100, socketsPerAccount: 1 });
  }),
  behaviour('streaming', 'subscribes in ltp mode (field 31) and quote mode (31, 84, 86) by conid, ticks as prices move, and unsubscribes', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['US:AAPL'], 'ltp');
      stream.subscribe(['US:MSFT'], 'quote');
      await arrives(() => expect(new Set(ticks.map((t) => t.symbol))).toEqual(new Set(['US:AAPL', 'US:MSFT'])));
      expect(rig.sim.stream.subscriptions().map((s) => s.sort())).toEqual([[AAPL, MSFT].sort()]);
      const t0 = rig.clock.now();
      expect(ticks.find((t) => t.symbol === 'US:AAPL')).toEqual({ symbol: 'US:AAPL', ltp: priceAt('US:AAPL', t0), ts: t0 });
      const msft = priceAt('US:MSFT', t0);
      expect(ticks.find((t) => t.symbol === 'US:MSFT')).toEqual({
        symbol: 'US:MSFT',
        ltp: msft,
        bid: expect.closeTo(msft - 0.05, 6),
        ask: expect.closeTo(msft + 0.05, 6),
        ts: t0,
      });

      // Updates carry only changed fields; the adapter keeps the rest, so every tick is whole.
      await rig.stepUntil(60_000, () => expect(ticks.filter((t) => t.symbol === 'US:MSFT' && t.ts > t0).length).toBeGreaterThan(2), 5_000);
      for (const t of ticks) expect(t.ltp).toBe(priceAt(t.symbol, t.ts));
      for (const t of ticks.filter((x) => x.symbol === 'US:MSFT')) expect(t.bid).toBeCloseTo(priceAt('US:MSFT', t.ts) - 0.05, 6);
      expect(ticks.filter((t) => t.symbol === 'US:AAPL').every((t) => t.bid === undefined)).toBe(true);

      expect(rig.sim.stream.fields()).toEqual([{ [AAPL]: ['31'], [MSFT]: ['31', '84', '86'] }]);
      // Down to ltp: a resend only adds fields, so the adapter ends the subscription and starts it again.
      stream.subscribe(['US:MSFT'], 'ltp');
      await arrives(() => expect(rig.sim.stream.fields()).toEqual([{ [AAPL]: ['31'], [MSFT]: ['31'] }]));
      stream.unsubscribe(['US:MSFT']);
      await arrives(() => expect(rig.sim.stream.subscriptions()).toEqual([[AAPL]]));
      expect(stream.counters).toEqual({ malformed: 0, unknown: 0, errors: 0, unsupported: 0, outOfOrder: 0 });
      expect(problems).toEqual([]);
    }),
  ),
  behaviour('streaming', 'simulator: waiting for session, sts and system on the /tickle session, only changed fields, tic, heartbeats', () =>
    withRig(async (rig) => {
      const raw = await rawClient(rig.sim.streamUrl);
      await arrives(() => expect(raw.messages).toEqual([{ message: 'waiting for session' }]));
      raw.socket.send(JSON.stringify({ session: 'not-the-session' }));
      raw.socket.send(`smd+${AAPL}+{"fields":["31"]}`);
      await rig.scheduler.advance(2_000);
      expect(raw.messages).toHaveLength(1); // a wrong session gets no sts and no data
      const other = await rawClient(rig.sim.streamUrl);
      other.socket.send(JSON.stringify({ session: await sessionOf(rig) }));
      await arrives(() => expect(other.messages.map((m) => m.topic)).toEqual([undefined, 'sts', 'system']));
      expect(other.messages[1]).toMatchObject({ topic: 'sts', args: { authenticated: true } });
      expect(other.messages[2]).toMatchObject({ topic: 'system', success: rig.sim.login.username });
      other.messages.length = 0;
      other.socket.send(`smd+${AAPL}+{"fields":["31","55"]}`);
      other.socket.send('tic');
      await arrives(() => expect(other.messages.map((m) => m.topic)).toEqual([`smd+${AAPL}`, 'tic']));
      expect(other.messages[0]).toMatchObject({ conid: AAPL, '31': priceAt('US:AAPL', rig.clock.now()).toFixed(2), '55': 'AAPL' });
      other.messages.length = 0;
      await rig.tickUntil(10_000, () => expect(other.messages.some((m) => m.topic === 'system' && typeof m.hb === 'number')).toBe(true));
      const updates = other.messages.filter((m) => m.topic === `smd+${AAPL}`);
      expect(updates.length).toBeGreaterThan(0);
      // The ticker never changes: after the first update it is not sent again.
      for (const u of updates) expect(u['55']).toBeUndefined();
      raw.socket.close();
      other.socket.close();
    }),
  ),
  behaviour('streaming', 'simulator: an smd subscription lapses after 10 minutes unless re-sent; the adapter re-sends it every 9', () =>
    withRig(async (rig) => {
      const { stream, statuses, ticks } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['US:AAPL'], 'ltp');
      await rig.scheduler.advance(1_000); // the gateway allows one /tickle a second
      const raw = await rawClient(rig.sim.streamUrl);
      raw.socket.send(JSON.stringify({ session: await sessionOf(rig) }));
      await arrives(() => expect(raw.messages.map((m) => m.topic)).toContain('system'));
      raw.socket.send(`smd+${MSFT}+{"fields":["31"]}`);
      await arrives(() => expect(rig.sim.stream.subscriptions().map((s) => s.sort())).toEqual([[AAPL], [MSFT]]));
      const start = rig.clock.now();
      // Eleven minutes in 30-s steps: tic keeps the gateway session alive, the renewal keeps AAPL's subscription.
      for (let i = 0; i < 22; i++) {
        await rig.scheduler.advance(30_000);
        await rig.scheduler.settle();
      }
      await arrives(() => expect(rig.sim.stream.subscriptions()).toEqual([[AAPL], []]));
      expect(IBKR_SMD_RENEW_MS).toBeLessThan(10 * 60_000);
      await rig.stepUntil(30_000, () => expect(ticks.some((t) => t.ts > start + 10 * 60_000)).toBe(true), 5_000);
      expect(statuses).toEqual([{ state: 'open' }]);
      raw.socket.close();
    }),
  ),
  behaviour('streaming', 'a dropped socket reconnects through the subscription manager and resubscribes', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('ibkr-1', panel, ['US:AAPL', 'US:SPY'], 'quote');
      await arrives(() => expect(manager.status('ibkr-1')).toBe('live'));
      await arrives(() => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['US:AAPL', 'US:SPY'])));

      rig.sim.stream.dropAll();
      await arrives(() => expect(manager.status('ibkr-1')).toBe('reconnecting'));
      panel.ticks.length = 0;
      await rig.stepUntil(8_000, () => expect(manager.status('ibkr-1')).toBe('live'));
      await arrives(() => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['US:AAPL', 'US:SPY'])));
      expect(rig.sim.stream.subscriptions().map((s) => s.sort((a, b) => a - b))).toEqual([[AAPL, 756733].sort((a, b) => a - b)]);
      expect(manager.counters('ibkr-1')).toMatchObject({ drops: 1, adapterErrors: 0 });
    }),
  ),
  behaviour(
    'streaming',
    'session: a wrong session value closes as auth; a logged-out gateway closes the socket and a reopen is auth; a new login streams',
    () =>
      withRig(async (rig) => {
        // The /tickle answer is rewritten on the way, so the socket gets a session value the gateway does not know.
        const canary = 'sessionCANARY4417';
        const rewriting: typeof fetch = async (input, init) => {
          const res = await fetch(input, init);
          if (!String(input).endsWith('/tickle')) return res;
          const body = (await res.json()) as Record<string, unknown>;
          return new Response(JSON.stringify({ ...body, session: canary }), { status: res.status, headers: { 'content-type': 'application/json' } });
        };
        const wrong = rig.open(rig.freshCtx({ fetch: rewriting }));
        await arrives(() => expect(rig.sim.stream.sessionsRefused).toBe(1));
        await rig.scheduler.advance(IBKR_AUTH_WAIT_MS - 1);
        expect(wrong.statuses).toEqual([]);
        await rig.tickUntil(1, () => expect(wrong.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
        expect(JSON.stringify(wrong.statuses)).not.toContain('CANARY');

        const live = rig.open();
        await arrives(() => expect(live.statuses).toEqual([{ state: 'open' }]));
        rig.sim.expireSessions();
        // The gateway ends the socket of a session that is over (at its next heartbeat); a new socket cannot start.
        await rig.tickUntil(10_000, () => expect(live.statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]));
        const refused = rig.open();
        await arrives(() => expect(refused.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));

        // The user logs in again (browser, then the app's login): a new session value, and the stream works again.
        await fetch(`${rig.sim.gatewayUrl}/sso/Login`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(rig.sim.login).toString(),
        });
        await adapter.login!(rig.ctx);
        const again = rig.open();
        // The gateway allows one /tickle a second: the stream's own waits on the scheduler when it comes too soon.
        await rig.stepUntil(5_000, () => expect(again.statuses).toEqual([{ state: 'open' }]));
        expect(rig.sim.stream.sessionsRefused).toBe(1);
      }),
  ),
  behaviour('streaming', 'limits: an smd past the market-data lines is answered with an error (counted); the manager refuses past 100', () =>
    withRig(
      async (rig) => {
        const { stream, statuses, ticks } = rig.open();
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        stream.subscribe(['US:AAPL', 'US:MSFT', 'US:IBM', 'US:NOPE'], 'ltp');
        await arrives(() => expect(stream.counters).toMatchObject({ errors: 1, unsupported: 1 }));
        await arrives(() => expect(new Set(ticks.map((t) => t.symbol)).size).toBe(2));
        expect(statuses).toEqual([{ state: 'open' }]);
        const manager = rig.manager();
        const many = Array.from({ length: 101 }, (_, i) => `IBKR:${1000 + i}`);
        expect(() => manager.subscribe('ibkr-1', recordingConsumer('panel'), many, 'ltp')).toThrow();
      },
      { maxLines: 2 },
    ),
  ),
  behaviour('streaming', 'survives malformed frames, unknown topics and out-of-order updates; reads a prefixed field 31', async () => {
    const t0 = MONDAY_10_NY;
    const gateway = await scriptedGateway((socket, request) => {
      if (!request.startsWith('smd+')) return;
      const smd = (fields: Record<string, unknown>) => JSON.stringify({ topic: `smd+${AAPL}`, conid: AAPL, ...fields });
      for (const frame of [
        '{not json',
        '[1]',
        smd({ _updated: t0, '31': 'abc' }),
        JSON.stringify({ topic: 'zzz' }),
        JSON.stringify({ noTopic: true }),
        JSON.stringify({ topic: `smd+${AAPL}`, error: 'no market data permissions' }),
        JSON.stringify({ topic: 'system', hb: t0 }),
        smd({ _updated: t0 + 2_000, '31': 'C189.50', '84': '189.45' }),
        smd({ _updated: t0 + 1_000, '31': '190.00' }),
        smd({ _updated: t0 + 3_000, '86': '189.55' }),
      ])
        socket.send(frame);
    });
    try {
      const { stream, ticks, statuses, problems } = record(gateway.ctx);
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe([`IBKR:${AAPL}`], 'quote');
      await arrives(() => expect(problems).toHaveLength(7));
      expect(ticks).toEqual([
        { symbol: `IBKR:${AAPL}`, ltp: 189.5, bid: 189.45, ts: t0 + 2_000 },
        { symbol: `IBKR:${AAPL}`, ltp: 189.5, bid: 189.45, ask: 189.55, ts: t0 + 3_000 },
      ]);
      expect(stream.counters).toEqual({ malformed: 3, unknown: 2, errors: 1, unsupported: 0, outOfOrder: 1 });
      expect(statuses).toEqual([{ state: 'open' }]);
      stream.close();
    } finally {
      await gateway.close();
    }
  }),
  behaviour('streaming', 'silence past the watchdog closes the socket as dropped', async () => {
    // Authenticates, then says nothing at all (no heartbeats, no answer to tic).
    const gateway = await scriptedGateway(() => undefined);
    try {
      const { statuses } = record(gateway.ctx);
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      await gateway.scheduler.advance(IBKR_SILENCE_MS - 1);
      expect(statuses).toEqual([{ state: 'open' }]);
      await gateway.scheduler.advance(1);
      expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]);
    } finally {
      await gateway.close();
    }
  }),
  behaviour('streaming', 'order stream: maps sor items with the REST order mapping, counting items it cannot read', async () => {
    const gateway = await scriptedGateway((socket, request) => {
      if (request !== 'sor+{}') return;
      socket.send(JSON.stringify({ topic: 'sor', args: [] }));
      socket.send(JSON.stringify({ topic: 'sor', args: 'nope' }));
      socket.send(
        JSON.stringify({
          topic: 'sor',
          args: [
            {
              orderId: 11,
              conid: AAPL,
              ticker: 'AAPL',
              status: 'Submitted',
              filledQuantity: 4,
              remainingQuantity: 6,
              totalSize: 10,
              lastExecutionTime_r: 1_000,
            },
            { conid: AAPL, status: 'Filled' },
            { orderId: 12, conid: AAPL },
            { order_id: 13, status: 'Inactive', totalSize: 1, filledQuantity: 0, lastExecutionTime_r: 2_000 },
            { orderId: 11, status: 'Filled', filledQuantity: 10, totalSize: 10, avgPrice: '189.25', lastExecutionTime_r: 3_000 },
          ],
        }),
      );
    });
    try {
      const orders: OrderUpdate[] = [];
      const statuses: MarketStreamStatus[] = [];
      const problems: StreamProblem[] = [];
      adapter.orderStream!.open(gateway.ctx, { onOrder: (o) => orders.push(o), onStatus: (s) => statuses.push(s), onProblem: (p) => problems.push(p) });
      await arrives(() => expect(orders).toHaveLength(3));
      expect(orders).toEqual([
        { brokerOrderId: '11', state: 'PARTIALLY_FILLED', filledQuantity: 4, ts: 1_000 },
        { brokerOrderId: '13', state: 'REJECTED', filledQuantity: 0, message: 'Inactive', ts: 2_000 },
        { brokerOrderId: '11', state: 'FILLED', filledQuantity: 10, averagePrice: 189.25, ts: 3_000 },
      ]);
      expect(problems).toEqual(['malformed', 'malformed', 'malformed']);
      expect(statuses).toEqual([{ state: 'open' }]);
    } finally {
      await gateway.close();
    }
  }),
  behaviour('streaming', 'a bounded soak: five drops in a row, each reconnected and resubscribed by the manager', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('ibkr-1', panel, ['US:AAPL'], 'ltp');
      await arrives(() => expect(manager.status('ibkr-1')).toBe('live'));
      for (let drop = 1; drop <= 5; drop++) {
        rig.sim.stream.dropAll();
        await arrives(() => expect(manager.status('ibkr-1')).toBe('reconnecting'));
        panel.ticks.length = 0;
        // The first update after a (re)subscription carries every field, so a tick arrives at once.
        await rig.stepUntil(20_000, () => expect(panel.ticks.length).toBeGreaterThan(0));
        expect(manager.status('ibkr-1')).toBe('live');
        expect(rig.sim.stream.connectionCount).toBe(1);
      }
      expect(manager.counters('ibkr-1')).toMatchObject({ drops: 5, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'order updates: an order placed, cancelled and filled over REST arrives on the sor topic as OrderUpdates', () =>
    withRig(async (rig) => {
      const { orders, statuses } = rig.openOrders();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      const limitPrice = Math.round(priceAt('US:AAPL', rig.clock.now()) * 50) / 100;
      const resting = await adapter.placeOrder(rig.ctx, { symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice, clientOrderId: 'bv-ws-1' });
      await arrives(() => expect(orders).toEqual([{ brokerOrderId: resting.brokerOrderId, state: 'OPEN', filledQuantity: 0, ts: rig.clock.now() }]));
      await adapter.cancelOrder(rig.ctx, resting.brokerOrderId);
      await arrives(() => expect(orders.at(-1)).toEqual({ brokerOrderId: resting.brokerOrderId, state: 'CANCELLED', filledQuantity: 0, ts: rig.clock.now() }));
      const filled = await adapter.placeOrder(rig.ctx, { symbol: 'US:AAPL', side: 'BUY', quantity: 2, type: 'MARKET', clientOrderId: 'bv-ws-2' });
      await arrives(() =>
        expect(orders.at(-1)).toEqual({
          brokerOrderId: filled.brokerOrderId,
          state: 'FILLED',
          filledQuantity: 2,
          averagePrice: priceAt('US:AAPL', rig.clock.now()),
          ts: rig.clock.now(),
        }),
      );
    }),
  ),
  behaviour('streaming', 'over HTTPS: the websocket is pinned to the gateway certificate the REST transport pinned', () =>
    withRig(
      async (rig) => {
        expect(rig.sim.streamUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/v1\/api\/ws$/);
        const { stream, statuses, ticks } = rig.open();
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        stream.subscribe(['US:AAPL'], 'ltp');
        await arrives(() => expect(ticks.map((t) => t.symbol)).toEqual(['US:AAPL']));
      },
      { https: true },
    ),
  ),
];
