import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { adapter } from '../../../src/main/brokers/binance/adapter';
import type { BinanceOrderStream } from '../../../src/main/brokers/binance/order-stream';
import { BINANCE_SILENCE_MS, streamBaseUrl, webSocketApiUrl, type BinanceMarketStream } from '../../../src/main/brokers/binance/stream';
import { ManualClock } from '../../../src/main/clock';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../../src/main/streaming/types';
import { recordingConsumer } from '../../support/stream-steps';
import { binanceStreamRig, type BinanceStreamRig } from '../../support/binance-stream';
import { arrives } from '../../support/stream-steps';
import { ManualScheduler } from '../../support/manual-scheduler';
import { priceAt } from '../../simulators/exchange';
import type { BinanceSimOptions } from '../../simulators/binance';
import { brokerContext } from '../support';
import { behaviour } from './suite';

/** Runs `body` with a fresh simulator on a manual scheduler, and always closes it. */
async function withRig(body: (rig: BinanceStreamRig) => Promise<void>, options: BinanceSimOptions = {}): Promise<void> {
  const rig = await binanceStreamRig(options);
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

/** A plain `ws` client on the simulator, as another SDK would open it, keeping every message it gets. */
async function rawClient(url: string, options: { autoPong?: boolean } = {}) {
  const socket = new WebSocket(url, { autoPong: options.autoPong ?? true });
  const messages: Record<string, unknown>[] = [];
  const state = { closed: false, pings: 0 };
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  socket.on('ping', () => state.pings++);
  socket.on('close', () => (state.closed = true));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return { socket, messages, state, send: (m: object) => socket.send(JSON.stringify(m)) };
}

/** The simulator's price on the pair's tick size (0.01), as Binance writes it. */
const simPrice = (pair: string, at: number) => Math.round(priceAt(pair, at) / 0.01) * 0.01;

/**
 * A scripted server for what the simulator never sends (bad frames, silence): a websocket on every path, and
 * `/api/v3/time` over HTTP for the order stream's clock sync.
 */
async function scriptedServer(onConnection: (socket: WebSocket) => void, credentials: Record<string, string> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 12));
  const scheduler = new ManualScheduler(clock);
  const httpServer = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ serverTime: clock.now() }));
  });
  const server = new WebSocketServer({ server: httpServer });
  server.on('connection', onConnection);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const ctx = brokerContext({ baseUrl: `http://127.0.0.1:${port}`, environment: 'live', credentials, clock, scheduler });
  return {
    ctx,
    scheduler,
    close: async () => {
      for (const c of server.clients) c.terminate();
      server.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/** The streaming section for Binance (and its Ed25519 entry): market streams and the WebSocket API's user data stream. */
export const binanceStreamingCases = [
  behaviour('streaming', "opens Binance's stream hosts for live and testnet, and the simulator's own host when overridden", () => {
    const ctx = (baseUrl: string) => brokerContext({ baseUrl, environment: 'live', credentials: {}, clock: { now: () => 0 } as never });
    expect(streamBaseUrl(ctx('https://api.binance.com'))).toBe('wss://stream.binance.com:9443');
    expect(streamBaseUrl(ctx('https://api3.binance.com/'))).toBe('wss://stream.binance.com:9443');
    expect(webSocketApiUrl(ctx('https://api.binance.com'))).toBe('wss://ws-api.binance.com:443/ws-api/v3');
    expect(streamBaseUrl(ctx('https://testnet.binance.vision'))).toBe('wss://stream.testnet.binance.vision');
    expect(webSocketApiUrl(ctx('https://testnet.binance.vision'))).toBe('wss://ws-api.testnet.binance.vision/ws-api/v3');
    expect(streamBaseUrl(ctx('http://127.0.0.1:4100/'))).toBe('ws://127.0.0.1:4100');
    expect(webSocketApiUrl(ctx('http://127.0.0.1:4100'))).toBe('ws://127.0.0.1:4100/ws-api/v3');
    // 1024 streams per connection, two per pair in quote mode.
    expect(adapter.marketStream!.limits).toEqual({ instrumentsPerSocket: 512, socketsPerAccount: 1 });
  }),
  behaviour('streaming', 'subscribes in ltp mode (@trade) and quote mode (@trade + @bookTicker), changes mode and unsubscribes', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['CRYPTO:BTCUSDT'], 'ltp');
      stream.subscribe(['CRYPTO:ETHUSDT'], 'quote');
      await rig.stepUntil(1_000, () => expect(rig.sim.marketStreams.subscriptions()).toEqual([['btcusdt@trade', 'ethusdt@trade', 'ethusdt@bookTicker']]));
      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol)).toEqual(['CRYPTO:BTCUSDT', 'CRYPTO:ETHUSDT', 'CRYPTO:ETHUSDT']));
      const at = ticks[0]!.ts;
      expect(ticks[0]).toEqual({ symbol: 'CRYPTO:BTCUSDT', ltp: expect.closeTo(simPrice('BTCUSDT', at), 8), ts: at });
      const eth = simPrice('ETHUSDT', at);
      // The trade ticks first (no book seen yet); the book ticker then ticks with bid and ask one tick around it.
      expect(ticks[1]).toEqual({ symbol: 'CRYPTO:ETHUSDT', ltp: expect.closeTo(eth, 8), ts: at });
      expect(ticks[2]).toMatchObject({
        symbol: 'CRYPTO:ETHUSDT',
        ltp: expect.closeTo(eth, 8),
        bid: expect.closeTo(eth - 0.01, 6),
        ask: expect.closeTo(eth + 0.01, 6),
      });

      stream.subscribe(['CRYPTO:ETHUSDT'], 'ltp');
      stream.unsubscribe(['CRYPTO:BTCUSDT']);
      await rig.stepUntil(1_000, () => expect(rig.sim.marketStreams.subscriptions()).toEqual([['ethusdt@trade']]));
      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(ticks).toEqual([{ symbol: 'CRYPTO:ETHUSDT', ltp: expect.any(Number), ts: expect.any(Number) }]));
      expect(stream.counters).toEqual({ malformed: 0, unknown: 0, errors: 0, unsupported: 0, outOfOrder: 0 });
      expect(problems).toEqual([]);
    }),
  ),
  behaviour('streaming', 'batches control messages and paces them under 5 per second; a client past 5 per second is dropped', () =>
    withRig(async (rig) => {
      const { stream, statuses } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      // Forty subscribe calls in one go: one SUBSCRIBE at once, the other 39 pairs batched into the next.
      for (let i = 0; i < 40; i++) stream.subscribe([`CRYPTO:P${i}USDT`], 'ltp');
      // Mode flips alternate SUBSCRIBE and UNSUBSCRIBE, which cannot merge: they leave one per 250 ms.
      for (let i = 0; i < 6; i++) stream.subscribe(['CRYPTO:BTCUSDT'], i % 2 === 0 ? 'quote' : 'ltp');
      const times = rig.sim.marketStreams.incoming;
      await rig.stepUntil(4_000, () => expect(times).toHaveLength(7));
      await arrives(() => expect(rig.sim.marketStreams.subscriptions()[0]).toHaveLength(41));
      for (let i = 5; i < times.length; i++) expect(times[i]! - times[i - 5]!).toBeGreaterThanOrEqual(1_000);
      expect(rig.sim.marketStreams.connectionCount).toBe(1);
      expect(statuses).toEqual([{ state: 'open' }]);

      // A client that does not pace itself: the sixth message within a second ends its connection.
      const raw = await rawClient(`${rig.sim.streamUrl}/ws`);
      for (let i = 0; i < 6; i++) raw.send({ method: 'LIST_SUBSCRIPTIONS', id: i });
      await arrives(() => expect(raw.state.closed).toBe(true));
      expect(raw.messages.length).toBeLessThanOrEqual(5);
    }),
  ),
  behaviour('streaming', 'simulator: raw /ws/<stream> and combined /stream framing, live SUBSCRIBE / LIST_SUBSCRIPTIONS, errors for bad requests', () =>
    withRig(async (rig) => {
      const raw = await rawClient(`${rig.sim.streamUrl}/ws/btcusdt@trade`);
      const combined = await rawClient(`${rig.sim.streamUrl}/stream?streams=btcusdt@trade/ethusdt@bookTicker`);
      await rig.tickUntil(1_000, () => {
        expect(raw.messages).toHaveLength(1);
        expect(combined.messages).toHaveLength(2);
      });
      const at = rig.clock.now();
      expect(raw.messages[0]).toMatchObject({ e: 'trade', E: at, s: 'BTCUSDT', T: at, M: true });
      expect(raw.messages[0]!.p).toBe(simPrice('BTCUSDT', at).toFixed(8));
      expect(combined.messages[0]).toMatchObject({ stream: 'btcusdt@trade', data: { e: 'trade', s: 'BTCUSDT' } });
      const book = combined.messages[1]!.data as Record<string, unknown>;
      expect(combined.messages[1]!.stream).toBe('ethusdt@bookTicker');
      expect(Object.keys(book).sort()).toEqual(['A', 'B', 'a', 'b', 's', 'u']);
      expect(typeof book.b).toBe('string');

      combined.messages.length = 0;
      combined.send({ method: 'SUBSCRIBE', params: ['solusdt@trade'], id: 1 });
      combined.send({ method: 'LIST_SUBSCRIPTIONS', id: 'list-2' });
      combined.send({ method: 'SUBSCRIB', params: [], id: 3 });
      combined.send({ method: 'SUBSCRIBE', params: ['not a stream'], id: 4 });
      combined.socket.send('{oops');
      await arrives(() => expect(combined.messages).toHaveLength(5));
      expect(combined.messages[0]).toEqual({ result: null, id: 1 });
      expect(combined.messages[1]).toEqual({ result: ['btcusdt@trade', 'ethusdt@bookTicker', 'solusdt@trade'], id: 'list-2' });
      expect(combined.messages[2]).toMatchObject({ error: { code: 2 }, id: 3 });
      expect(combined.messages[3]).toMatchObject({ error: { code: 2 }, id: 4 });
      expect(combined.messages[4]).toMatchObject({ error: { code: 3 } });
      await expect(rawClient(`${rig.sim.streamUrl}/ws/BAD@@stream`)).rejects.toThrow('HTTP 400');
      raw.socket.close();
      combined.socket.close();
    }),
  ),
  behaviour('streaming', 'simulator: pings every 20 s and drops a client that has not answered for a minute; the adapter answers by itself', () =>
    withRig(async (rig) => {
      const { statuses } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      const silent = await rawClient(`${rig.sim.streamUrl}/ws`, { autoPong: false });
      await rig.tickUntil(20_000, () => expect(silent.state.pings).toBe(1));
      await rig.tickUntil(20_000, () => expect(silent.state.pings).toBe(2));
      expect(silent.state.closed).toBe(false);
      await rig.tickUntil(20_000, () => expect(silent.state.closed).toBe(true));
      // The adapter's socket answered every ping (and the pings kept its silence watchdog quiet).
      await rig.scheduler.advance(60_000);
      expect(rig.sim.marketStreams.connectionCount).toBe(1);
      expect(statuses).toEqual([{ state: 'open' }]);
    }),
  ),
  behaviour('streaming', 'a dropped socket reconnects through the subscription manager and resubscribes', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('binance-1', panel, ['CRYPTO:BTCUSDT', 'CRYPTO:SOLUSDT'], 'quote');
      await arrives(() => expect(manager.status('binance-1')).toBe('live'));
      await rig.stepUntil(2_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['CRYPTO:BTCUSDT', 'CRYPTO:SOLUSDT'])));

      rig.sim.marketStreams.dropAll();
      await arrives(() => expect(manager.status('binance-1')).toBe('reconnecting'));
      panel.ticks.length = 0;
      await rig.stepUntil(8_000, () => expect(manager.status('binance-1')).toBe('live'));
      await rig.stepUntil(2_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['CRYPTO:BTCUSDT', 'CRYPTO:SOLUSDT'])));
      expect(rig.sim.marketStreams.subscriptions()).toEqual([['btcusdt@trade', 'btcusdt@bookTicker', 'solusdt@trade', 'solusdt@bookTicker']]);
      expect(manager.counters('binance-1')).toMatchObject({ drops: 1, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'limits: a SUBSCRIBE past the streams per connection closes as refused; the manager refuses past 512 instruments', () =>
    withRig(
      async (rig) => {
        const { stream, statuses } = rig.open();
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        stream.subscribe(['CRYPTO:BTCUSDT', 'CRYPTO:ETHUSDT', 'CRYPTO:SOLUSDT'], 'quote');
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'refused' }]));
        const manager = rig.manager();
        const many = Array.from({ length: 513 }, (_, i) => `CRYPTO:P${i}USDT`);
        expect(() => manager.subscribe('binance-1', recordingConsumer('panel'), many, 'ltp')).toThrow();
      },
      { maxStreams: 4 },
    ),
  ),
  behaviour('streaming', 'survives malformed frames, unknown payloads and out-of-order events, counting each', async () => {
    const t0 = Date.UTC(2026, 0, 5, 12);
    const server = await scriptedServer((socket) => {
      socket.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { id: number };
        socket.send(JSON.stringify({ result: null, id: msg.id }));
        const trade = (p: string, T: number) =>
          JSON.stringify({ stream: 'btcusdt@trade', data: { e: 'trade', E: T, s: 'BTCUSDT', t: 1, p, q: '1', T, m: true, M: true } });
        for (const frame of [
          '{not json',
          '[1]',
          '{"stream":"btcusdt@trade","data":5}',
          trade('abc', t0),
          '{"stream":"btcusdt@kline_1m","data":{"e":"kline"}}',
          '{"error":{"code":0,"msg":"Unknown property"},"id":99}',
          trade('67000.10000000', t0 + 1_000),
          trade('66000.00000000', t0),
        ])
          socket.send(frame);
        socket.send(Buffer.from([0xc1, 0xff]));
      });
    });
    try {
      const ticks: Tick[] = [];
      const statuses: MarketStreamStatus[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.marketStream!.open(server.ctx, {
        onTick: (t) => ticks.push(t),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as BinanceMarketStream;
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['CRYPTO:BTCUSDT', 'NSE:INFY'], 'ltp');
      await arrives(() => expect(problems).toHaveLength(9));
      expect(ticks).toEqual([{ symbol: 'CRYPTO:BTCUSDT', ltp: 67000.1, ts: t0 + 1_000 }]);
      expect(stream.counters).toEqual({ malformed: 5, unknown: 1, errors: 1, unsupported: 1, outOfOrder: 1 });
      expect(statuses).toEqual([{ state: 'open' }]);
      stream.close();
    } finally {
      await server.close();
    }
  }),
  behaviour('streaming', 'a serverShutdown event closes the socket as dropped at once, so the manager reconnects before the cut', () =>
    withRig(async (rig) => {
      const { statuses } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      rig.sim.marketStreams.announceShutdown();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]));
      await arrives(() => expect(rig.sim.marketStreams.connectionCount).toBe(0));
    }),
  ),
  behaviour('streaming', 'silence past the watchdog closes the socket as dropped', async () => {
    // A server that accepts and then says nothing, not even a ping.
    const server = await scriptedServer(() => undefined);
    try {
      const statuses: MarketStreamStatus[] = [];
      adapter.marketStream!.open(server.ctx, { onTick: () => undefined, onStatus: (s) => statuses.push(s) });
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      await server.scheduler.advance(BINANCE_SILENCE_MS - 1);
      expect(statuses).toEqual([{ state: 'open' }]);
      await server.scheduler.advance(1);
      expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]);
    } finally {
      await server.close();
    }
  }),
  behaviour('streaming', 'order stream: re-syncs the clock once on -1021, survives bad frames and unknown events, ends on eventStreamTerminated', async () => {
    const requests: { method: string; params: Record<string, string> }[] = [];
    const report = (over: Record<string, unknown>) =>
      JSON.stringify({
        subscriptionId: 0,
        event: { e: 'executionReport', E: 5, s: 'BTCUSDT', i: 7, X: 'NEW', z: '0.00000000', Z: '0.00000000', T: 5, r: 'NONE', ...over },
      });
    const server = await scriptedServer(
      (socket) => {
        socket.on('message', (data) => {
          const request = JSON.parse(String(data)) as { id: number; method: string; params: Record<string, string> };
          requests.push(request);
          if (requests.length === 1) {
            socket.send(
              JSON.stringify({ id: request.id, status: 400, error: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' } }),
            );
            return;
          }
          socket.send(JSON.stringify({ id: request.id, status: 200, result: { subscriptionId: 0 } }));
          for (const frame of [
            '{not json',
            '"text"',
            JSON.stringify({ subscriptionId: 0, event: 'x' }),
            report({ z: 'lots' }),
            JSON.stringify({ subscriptionId: 0, event: { e: 'balanceUpdate', a: 'USDT', d: '1.0' } }),
            JSON.stringify({ subscriptionId: 0, event: { e: 'somethingNew' } }),
            JSON.stringify({ hello: 1 }),
            report({ X: 'PARTIALLY_FILLED', z: '0.50000000', Z: '1000.00000000', T: 9 }),
            report({ X: 'REJECTED', r: 'INSUFFICIENT_BALANCE', T: 10 }),
            JSON.stringify({ subscriptionId: 0, event: { e: 'eventStreamTerminated', E: 11 } }),
          ])
            socket.send(frame);
        });
      },
      { apiKey: 'scriptedKey0000000000000000000000000000000000000000000000000000', secretKey: 'scriptedSecretCANARY4417' },
    );
    try {
      const orders: OrderUpdate[] = [];
      const statuses: MarketStreamStatus[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.orderStream!.open(server.ctx, {
        onOrder: (o) => orders.push(o),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as BinanceOrderStream;
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]));
      expect(requests.map((r) => r.method)).toEqual(['userDataStream.subscribe.signature', 'userDataStream.subscribe.signature']);
      expect(Object.keys(requests[0]!.params).sort()).toEqual(['apiKey', 'recvWindow', 'signature', 'timestamp']);
      expect(JSON.stringify(requests)).not.toContain('CANARY4417');
      expect(orders).toEqual([
        { brokerOrderId: 'BTCUSDT:7', state: 'PARTIALLY_FILLED', filledQuantity: 0.5, averagePrice: 2000, ts: 9 },
        { brokerOrderId: 'BTCUSDT:7', state: 'REJECTED', filledQuantity: 0, message: 'INSUFFICIENT_BALANCE', ts: 10 },
      ]);
      expect(stream.counters).toEqual({ malformed: 4, unknown: 2, errors: 0 });
      expect(problems).toHaveLength(6);
    } finally {
      await server.close();
    }
  }),
  behaviour('streaming', 'a bounded soak: five drops in a row, each reconnected and resubscribed by the manager', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('binance-1', panel, ['CRYPTO:BTCUSDT'], 'ltp');
      await arrives(() => expect(manager.status('binance-1')).toBe('live'));
      for (let drop = 1; drop <= 5; drop++) {
        rig.sim.marketStreams.dropAll();
        await arrives(() => expect(manager.status('binance-1')).toBe('reconnecting'));
        panel.ticks.length = 0;
        await rig.stepUntil(20_000, () => expect(panel.ticks.length).toBeGreaterThan(0));
        expect(manager.status('binance-1')).toBe('live');
        expect(rig.sim.marketStreams.connectionCount).toBe(1);
      }
      expect(manager.counters('binance-1')).toMatchObject({ drops: 5, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'order updates: an order placed, cancelled and filled over REST arrives as OrderUpdates (HMAC signature subscribe)', () =>
    withRig(async (rig) => {
      const ctx = rig.ctx();
      const { orders, statuses } = rig.openOrders(ctx);
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      const market = rig.sim.exchange.price('BTCUSDT');
      const limitPrice = Math.round(market * 50) / 100;
      const resting = await adapter.placeOrder(ctx, {
        symbol: 'CRYPTO:BTCUSDT',
        side: 'BUY',
        quantity: 1,
        type: 'LIMIT',
        limitPrice,
        clientOrderId: 'bv-stream-1',
      });
      await arrives(() => expect(orders).toEqual([{ brokerOrderId: resting.brokerOrderId, state: 'OPEN', filledQuantity: 0, ts: rig.clock.now() }]));
      await adapter.cancelOrder(ctx, resting.brokerOrderId);
      await arrives(() => expect(orders.at(-1)).toEqual({ brokerOrderId: resting.brokerOrderId, state: 'CANCELLED', filledQuantity: 0, ts: rig.clock.now() }));
      const filled = await adapter.placeOrder(ctx, { symbol: 'CRYPTO:BTCUSDT', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'bv-stream-2' });
      await arrives(() => expect(orders.at(-1)).toMatchObject({ brokerOrderId: filled.brokerOrderId, state: 'FILLED', filledQuantity: 1 }));
      expect(orders.at(-1)!.averagePrice).toBeCloseTo(market, 6);
      expect(orders.filter((o) => o.brokerOrderId === filled.brokerOrderId).map((o) => o.state)).toEqual(['OPEN', 'FILLED']);
    }),
  ),
  behaviour('streaming', 'order updates with an Ed25519 key: session.logon, then userDataStream.subscribe', () =>
    withRig(async (rig) => {
      const ctx = rig.ctx(rig.sim.ed25519Credentials);
      const { orders, statuses } = rig.openOrders(ctx);
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      const limitPrice = Math.round(rig.sim.exchange.price('ETHUSDT') * 50) / 100;
      const ack = await adapter.placeOrder(ctx, { symbol: 'CRYPTO:ETHUSDT', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice, clientOrderId: 'bv-ed-1' });
      await arrives(() => expect(orders).toEqual([{ brokerOrderId: ack.brokerOrderId, state: 'OPEN', filledQuantity: 0, ts: rig.clock.now() }]));
      // An HMAC key cannot log a session on: that is a key problem the user must fix.
      const hmacAsSession = rig.openOrders(rig.ctx({ ...rig.sim.credentials, privateKey: rig.sim.ed25519Credentials.privateKey }));
      await arrives(() => expect(hmacAsSession.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
    }),
  ),
  behaviour('streaming', 'a wrong secret (-1022) or an unknown key (-2015) closes the order stream as auth, echoing no secret', () =>
    withRig(async (rig) => {
      const canary = 'wrongSecretCANARY4417xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';
      const wrongSecret = rig.openOrders(rig.ctx({ apiKey: rig.sim.credentials.apiKey!, secretKey: canary }));
      const unknownKey = rig.openOrders(rig.ctx({ apiKey: 'unknownKey0000000000000000000000000000000000000000000000000000000', secretKey: canary }));
      await arrives(() => expect(wrongSecret.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      await arrives(() => expect(unknownKey.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      expect(JSON.stringify([wrongSecret.statuses, unknownKey.statuses, wrongSecret.orders])).not.toContain('CANARY4417');
      expect(wrongSecret.stream.counters).toEqual({ malformed: 0, unknown: 0, errors: 0 });
    }),
  ),
];
