import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { adapter } from '../../../src/main/brokers/tradier/adapter';
import { eventsUrl } from '../../../src/main/brokers/tradier/stream-session';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../../src/main/streaming/types';
import { brokerContext } from '../support';
import { tradierStreamRig, type TradierStreamRig } from '../../support/tradier-stream';
import { arrives } from '../../support/stream-steps';
import { recordingConsumer } from '../../support/stream-steps';
import { ManualClock } from '../../../src/main/clock';
import { ManualScheduler } from '../../support/manual-scheduler';
import { priceAt } from '../../simulators/exchange';
import { SESSION_TTL_MS, SIM_ERRORS } from '../../simulators/tradier/stream';
import { behaviour } from './suite';

async function withRig(body: (rig: TradierStreamRig) => Promise<void>): Promise<void> {
  const rig = await tradierStreamRig();
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

/** A raw client on the simulator's socket: what Tradier's own example code does. */
async function rawSocket(url: string): Promise<{ ws: WebSocket; lines: string[]; closed: () => number | null }> {
  const ws = new WebSocket(url);
  const lines: string[] = [];
  let code: number | null = null;
  ws.on('message', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
  ws.on('close', (c) => (code = c));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, lines, closed: () => code };
}

async function session(rig: TradierStreamRig, kind: 'markets' | 'accounts'): Promise<{ url: string; sessionid: string }> {
  const res = await fetch(`${rig.sim.baseUrl}/${kind}/events/session`, {
    method: 'POST',
    headers: { authorization: `Bearer ${rig.sim.credentials.access_token}`, accept: 'application/json' },
  });
  return ((await res.json()) as { stream: { url: string; sessionid: string } }).stream;
}

/**
 * A scripted Tradier: the session endpoint and a socket that runs `script` (the simulator only sends well-formed
 * frames and always answers pings, so bad frames and silence come from here).
 */
async function scriptedTradier(script: (socket: WebSocket, payload: Record<string, unknown>) => void, autoPong = true, socket: 'market' | 'orders' = 'market') {
  const wss = new WebSocketServer({ noServer: true, autoPong });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ stream: { url: 'http://127.0.0.1/v1/markets/events', sessionid: 'S1' } }));
  });
  server.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (d) => script(ws, JSON.parse(String(d)) as Record<string, unknown>))),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 15));
  const scheduler = new ManualScheduler(clock);
  const ctx = brokerContext({ baseUrl: `http://127.0.0.1:${port}/v1`, environment: 'sandbox', credentials: { access_token: 'tok' }, clock, scheduler });
  const ticks: Tick[] = [];
  const orders: OrderUpdate[] = [];
  const statuses: MarketStreamStatus[] = [];
  const problems: StreamProblem[] = [];
  const onStatus = (status: MarketStreamStatus) => statuses.push(status);
  const onProblem = (problem: StreamProblem) => problems.push(problem);
  const stream =
    socket === 'market'
      ? adapter.marketStream!.open(ctx, { onTick: (t) => ticks.push(t), onStatus, onProblem })
      : Object.assign(adapter.orderStream!.open(ctx, { onOrder: (o) => orders.push(o), onStatus, onProblem }), { subscribe: () => undefined });
  return {
    scheduler,
    stream,
    ticks,
    orders,
    statuses,
    problems,
    close: async () => {
      stream.close();
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The streaming section for Tradier: market events and account events against the simulator. */
export const tradierStreamingCases = [
  behaviour('streaming', 'opens ws.tradier.com for production, sandbox-ws for the sandbox, and the simulator host when overridden', async () => {
    const ctx = (baseUrl: string) => brokerContext({ baseUrl, environment: 'live', credentials: {}, clock: new ManualClock() });
    expect(eventsUrl(ctx('https://api.tradier.com/v1'), 'markets')).toBe('wss://ws.tradier.com/v1/markets/events');
    expect(eventsUrl(ctx('https://sandbox.tradier.com/v1/'), 'accounts')).toBe('wss://sandbox-ws.tradier.com/v1/accounts/events');
    expect(eventsUrl(ctx('http://127.0.0.1:4100/v1'), 'markets')).toBe('ws://127.0.0.1:4100/v1/markets/events');
    expect(adapter.marketStream!.limits).toEqual({ instrumentsPerSocket: 500, socketsPerAccount: 1 });
    await withRig(async (rig) => {
      expect(eventsUrl(rig.ctx(), 'markets')).toBe(rig.sim.streamUrl);
      expect(eventsUrl(rig.ctx(), 'accounts')).toBe(rig.sim.orderStreamUrl);
      expect(rig.sim.streamUrl).toBe(`ws://127.0.0.1:${rig.sim.port}/v1/markets/events`);
    });
  }),
  behaviour('streaming', 'creates a session, then streams trades in ltp mode and trades with quotes in quote mode; unsubscribe resends the payload', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['US:AAPL'], 'ltp');
      stream.subscribe(['US:MSFT'], 'quote');
      await arrives(() => expect(rig.sim.marketStream.subscriptions()).toEqual([{ symbols: ['AAPL', 'MSFT'], filter: ['trade', 'quote'] }]));
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol).sort()).toEqual(['US:AAPL', 'US:MSFT', 'US:MSFT']));
      const at = rig.clock.now();
      expect(ticks.find((t) => t.symbol === 'US:AAPL')).toEqual({ symbol: 'US:AAPL', ltp: priceAt('AAPL', at), ts: at });
      const msft = ticks.filter((t) => t.symbol === 'US:MSFT');
      const price = priceAt('MSFT', at);
      // The trade ticks first (no quote seen yet); the quote then ticks with bid and ask around the last price.
      expect(msft[0]).toEqual({ symbol: 'US:MSFT', ltp: price, volume: expect.any(Number), ts: at });
      expect(msft[1]).toMatchObject({ symbol: 'US:MSFT', ltp: price, bid: expect.closeTo(price - 0.01, 6), ask: expect.closeTo(price + 0.01, 6), ts: at });

      // A mode change down to ltp and an unsubscribe each resend the whole payload (trade filter only now).
      stream.subscribe(['US:MSFT'], 'ltp');
      stream.unsubscribe(['US:AAPL']);
      await arrives(() => expect(rig.sim.marketStream.subscriptions()).toEqual([{ symbols: ['MSFT'], filter: ['trade'] }]));
      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(ticks).toEqual([{ symbol: 'US:MSFT', ltp: priceAt('MSFT', rig.clock.now()), ts: rig.clock.now() }]));
      expect(problems).toEqual([]);
    }),
  ),
  behaviour(
    'streaming',
    'full mode carries bid and ask; a subscription made before the socket is open goes out once it is; a symbol Tradier cannot carry is counted',
    () =>
      withRig(async (rig) => {
        const { stream, ticks, statuses, problems } = rig.open();
        stream.subscribe(['US:SPY', 'NSE:INFY'], 'full');
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        await arrives(() => expect(rig.sim.marketStream.subscriptions()).toEqual([{ symbols: ['SPY'], filter: ['trade', 'quote'] }]));
        await rig.tickUntil(1_000, () => expect(ticks).toHaveLength(2));
        expect(ticks[1]).toMatchObject({ symbol: 'US:SPY', bid: expect.any(Number), ask: expect.any(Number) });
        expect(problems).toEqual(['unsupported']);
      }),
  ),
  behaviour('streaming', 'dropped sockets (three in a row) reconnect through the subscription manager with a new session and resubscribes', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('tradier-1', panel, ['US:AAPL', 'US:SPY'], 'quote');
      await arrives(() => expect(manager.status('tradier-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['US:AAPL', 'US:SPY'])));

      // A bounded soak: three drops in a row, each followed by a new socket that carries both symbols again.
      for (let drop = 1; drop <= 3; drop++) {
        rig.sim.marketStream.dropAll();
        await arrives(() => expect(manager.status('tradier-1')).toBe('reconnecting'));
        await rig.stepUntil(20_000, () => expect(manager.status('tradier-1')).toBe('live'));
        panel.ticks.length = 0;
        await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['US:AAPL', 'US:SPY'])));
        expect(rig.sim.marketStream.connectionCount).toBe(1);
      }
      expect(manager.counters('tradier-1')).toMatchObject({ drops: 3, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'after the token is replaced (a new token pasted), the manager reopens with a new session and carries on', () =>
    withRig(async (rig) => {
      let credentials = { ...rig.sim.credentials };
      const manager = rig.manager(() => credentials);
      const panel = recordingConsumer('panel');
      manager.subscribe('tradier-1', panel, ['US:AAPL'], 'ltp');
      await arrives(() => expect(manager.status('tradier-1')).toBe('live'));

      // The old token stops working; the user pastes a new one and the app tells the manager.
      rig.sim.expireSessions();
      rig.sim.addAccessToken('NewSimTradierToken000000002');
      credentials = { ...credentials, access_token: 'NewSimTradierToken000000002' };
      manager.sessionChanged('tradier-1');
      await rig.stepUntil(8_000, () => expect(manager.status('tradier-1')).toBe('live'));
      await arrives(() => expect(rig.sim.marketStream.connectionCount).toBe(1));
      panel.ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(panel.ticks.map((t) => t.symbol)).toEqual(['US:AAPL']));
      expect(manager.counters('tradier-1')).toMatchObject({ adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'a wrong or expired token closes both streams with reason auth and never echoes the token', () =>
    withRig(async (rig) => {
      const canary = 'wrongTokenCANARY4417xxxxxxxx';
      const wrong = rig.open(rig.ctx({ access_token: canary, account_id: 'VA00012345' }));
      await arrives(() => expect(wrong.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      expect(JSON.stringify([wrong.statuses, wrong.problems, wrong.ticks])).not.toContain('CANARY4417');
      expect(rig.sim.marketStream.connectionCount).toBe(0);

      // The token rolled over (Tradier answers "Access Token expired"): no session, so closed 'auth' again.
      rig.sim.expireSessions();
      const market = rig.open();
      const orders = rig.openOrders();
      await arrives(() => expect(market.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      await arrives(() => expect(orders.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
    }),
  ),
  behaviour('streaming', 'the simulator refuses an unknown or expired session id, and a session unused for 5 minutes expires', () =>
    withRig(async (rig) => {
      const unknown = await rawSocket(rig.sim.streamUrl);
      unknown.ws.send(JSON.stringify({ symbols: ['AAPL'], sessionid: 'NOPE' }));
      await arrives(() => expect(unknown.closed()).toBe(1008));
      expect(unknown.lines).toEqual([JSON.stringify({ error: SIM_ERRORS.session })]);

      const stale = await session(rig, 'markets');
      expect(stale.url).toBe(`${rig.sim.baseUrl}/markets/events`);
      await rig.scheduler.advance(SESSION_TTL_MS + 1);
      const late = await rawSocket(rig.sim.streamUrl);
      late.ws.send(JSON.stringify({ symbols: ['AAPL'], sessionid: stale.sessionid, linebreak: true }));
      await arrives(() => expect(late.closed()).toBe(1008));

      const fresh = await session(rig, 'markets');
      const ok = await rawSocket(rig.sim.streamUrl);
      ok.ws.send(JSON.stringify({ symbols: ['AAPL', 'ZZZZ'], sessionid: fresh.sessionid, filter: ['trade', 'summary'], linebreak: true }));
      await arrives(() => expect(rig.sim.marketStream.connectionCount).toBe(1));
      await rig.tickUntil(1_000, () => expect(ok.lines).toHaveLength(2));
      // Tradier's shape: numbers of trades as strings, one event per line; the unlisted symbol is dropped (validOnly).
      expect(JSON.parse(ok.lines[0]!)).toMatchObject({ type: 'trade', symbol: 'AAPL', price: priceAt('AAPL', rig.clock.now()).toFixed(2) });
      expect(JSON.parse(ok.lines[1]!)).toMatchObject({ type: 'summary', symbol: 'AAPL' });
      ok.ws.close();
    }),
  ),
  behaviour('streaming', 'one streaming session at a time (a second socket is refused), and a payload past the symbol limit is refused', () =>
    withRig(async (rig) => {
      const first = rig.open();
      await arrives(() => expect(first.statuses).toEqual([{ state: 'open' }]));
      first.stream.subscribe(['US:AAPL'], 'ltp');
      await arrives(() => expect(rig.sim.marketStream.connectionCount).toBe(1));
      const second = rig.open();
      await arrives(() => expect(second.statuses).toEqual([{ state: 'open' }]));
      second.stream.subscribe(['US:MSFT'], 'ltp');
      await arrives(() => expect(second.statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'refused' }]));
      expect(second.problems).toEqual(['error']);

      first.stream.subscribe(
        Array.from({ length: 501 }, (_, i) => `US:S${i}`),
        'ltp',
      );
      await arrives(() => expect(first.statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'refused' }]));
    }),
  ),
  behaviour('streaming', 'survives malformed lines and unknown event types, counting them; an error line ends the socket as dropped', async () => {
    const rig = await scriptedTradier((socket) => {
      socket.send(
        [
          '{not json',
          '[1,2]',
          '{"type":"trade","symbol":"AAPL"}',
          '{"type":"quote","symbol":"AAPL","bid":"x","ask":1}',
          '{"type":"zz"}',
          '{"type":"summary","symbol":"AAPL","open":"1"}',
          '{"type":"trade","symbol":"AAPL","price":"190.12","size":"5","cvol":"1000","date":"1767625200000"}{"type":"trade","symbol":"AAPL","price":190.13,"date":1767625200001}',
          '{"type":"trade","symbol":"AAPL","price":190.11,"date":1767625199999}',
        ].join('\n'),
      );
      socket.send(Buffer.from([0xc1, 0xff]));
      socket.send('{"error":"invalid session"}');
    });
    try {
      rig.stream.subscribe(['US:AAPL'], 'ltp');
      await arrives(() => expect(rig.statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]));
      expect(rig.ticks).toEqual([
        { symbol: 'US:AAPL', ltp: 190.12, ts: 1767625200000 },
        { symbol: 'US:AAPL', ltp: 190.13, ts: 1767625200001 },
      ]);
      expect(rig.problems).toEqual(['malformed', 'malformed', 'malformed', 'malformed', 'unknown', 'out-of-order', 'malformed', 'error']);
    } finally {
      await rig.close();
    }
  }),
  behaviour('streaming', 'the account socket survives malformed lines and unknown events, reads both spellings of the filled quantity', async () => {
    const rig = await scriptedTradier(
      (socket, payload) => {
        expect(payload).toEqual({ events: ['order'], sessionid: 'S1', excludeAccounts: [] });
        socket.send(
          [
            '{"event":"heartbeat","status":"active","timestamp":"2026-01-05T15:00:00Z"}',
            '{oops',
            '{"event":"balance"}',
            '{"event":"order","status":"open"}',
            '{"event":"order","id":7,"status":"weird"}',
            '{"id":7,"event":"order","status":"partially_filled","exec_quantity":"1","avg_fill_price":"10.5","transaction_date":"2026-01-05T15:00:01.000Z"}',
            '{"id":7,"event":"order","status":"filled","executed_quantity":2,"avg_fill_price":10.25,"transaction_date":"2026-01-05T15:00:02.000Z"}',
          ].join('\n'),
        );
      },
      true,
      'orders',
    );
    try {
      await arrives(() => expect(rig.orders).toHaveLength(2));
      expect(rig.orders).toEqual([
        { brokerOrderId: '7', state: 'PARTIALLY_FILLED', filledQuantity: 1, averagePrice: 10.5, ts: Date.UTC(2026, 0, 5, 15, 0, 1) },
        { brokerOrderId: '7', state: 'FILLED', filledQuantity: 2, averagePrice: 10.25, ts: Date.UTC(2026, 0, 5, 15, 0, 2) },
      ]);
      expect(rig.problems).toEqual(['malformed', 'unknown', 'malformed', 'malformed']);
      expect(rig.statuses).toEqual([{ state: 'open' }]);
    } finally {
      await rig.close();
    }
  }),
  behaviour('streaming', 'a server that stops answering (no data, no pongs) is dropped by the silence watchdog', async () => {
    const rig = await scriptedTradier(() => undefined, false);
    try {
      await arrives(() => expect(rig.statuses).toEqual([{ state: 'open' }]));
      rig.stream.subscribe(['US:AAPL'], 'ltp');
      await rig.scheduler.advance(60_000);
      expect(rig.statuses).toEqual([{ state: 'open' }]);
      await rig.scheduler.advance(20_000);
      await arrives(() => expect(rig.statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]));
    } finally {
      await rig.close();
    }
  }),
  behaviour('streaming', 'an order placed, filled and cancelled over REST arrives on the account stream as order updates', () =>
    withRig(async (rig) => {
      const { orders, statuses, problems } = rig.openOrders();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      await arrives(() => expect(rig.sim.accountStream.connectionCount).toBe(1));
      const ctx = rig.ctx();
      const market = await adapter.placeOrder(ctx, { symbol: 'US:AAPL', side: 'BUY', quantity: 2, type: 'MARKET', clientOrderId: 't1' });
      const fill = priceAt('AAPL', rig.clock.now());
      await arrives(() => expect(orders.map((o) => o.state)).toEqual(['OPEN', 'FILLED']));
      expect(orders[1]).toEqual({ brokerOrderId: market.brokerOrderId, state: 'FILLED', filledQuantity: 2, averagePrice: fill, ts: rig.clock.now() });

      const limit = await adapter.placeOrder(ctx, { symbol: 'US:MSFT', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1, clientOrderId: 't2' });
      await arrives(() => expect(orders).toHaveLength(3));
      await adapter.cancelOrder(ctx, limit.brokerOrderId);
      await arrives(() =>
        expect(orders.slice(2).map((o) => [o.brokerOrderId, o.state])).toEqual([
          [limit.brokerOrderId, 'OPEN'],
          [limit.brokerOrderId, 'CANCELLED'],
        ]),
      );
      // Heartbeats every 60 s are read and not counted as problems.
      await rig.scheduler.advance(61_000);
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      expect(problems).toEqual([]);
    }),
  ),
];
