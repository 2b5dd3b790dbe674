import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { adapter } from '../../../src/main/brokers/tastytrade/adapter';
import { accountStreamerUrl } from '../../../src/main/brokers/tastytrade/order-stream';
import { quoteToken } from '../../../src/main/brokers/tastytrade/quote-token';
import { ManualClock } from '../../../src/main/clock';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../../src/main/streaming/types';
import { brokerContext } from '../support';
import { recordingConsumer } from '../../support/stream-steps';
import { ManualScheduler } from '../../support/manual-scheduler';
import { tastytradeStreamRig, type TastytradeStreamRig } from '../../support/tastytrade-stream';
import { arrives } from '../../support/stream-steps';
import { priceAt } from '../../simulators/exchange';
import { DXLINK_KEEPALIVE_TIMEOUT_MS } from '../../simulators/tastytrade/dxlink';
import { behaviour } from './suite';

async function withRig(body: (rig: TastytradeStreamRig) => Promise<void>): Promise<void> {
  const rig = await tastytradeStreamRig();
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

/** A raw DXLink client on the simulator, collecting every message. */
async function rawDxLink(url: string): Promise<{ ws: WebSocket; got: Record<string, unknown>[]; send(m: object): void; closed: () => boolean }> {
  const ws = new WebSocket(url);
  const got: Record<string, unknown>[] = [];
  let closed = false;
  ws.on('message', (d) => got.push(JSON.parse(String(d)) as Record<string, unknown>));
  ws.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, got, send: (m) => ws.send(JSON.stringify(m)), closed: () => closed };
}

/**
 * A scripted tastytrade: `/api-quote-tokens` pointing at its own DXLink socket, which authorizes, opens the channel,
 * confirms the fields and then runs `script` on the first FEED_SUBSCRIPTION (the simulator only sends good frames).
 */
async function scriptedDxLink(script: (socket: WebSocket) => void, keepalives = true) {
  const wss = new WebSocketServer({ noServer: true });
  let port = 0;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: { token: 'qt', 'dxlink-url': `ws://127.0.0.1:${port}/realtime`, level: 'api' } }));
  });
  server.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) =>
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { type: string; channel: number };
        const send = (o: object) => ws.send(JSON.stringify(o));
        if (m.type === 'SETUP') send({ type: 'AUTH_STATE', channel: 0, state: 'UNAUTHORIZED' });
        if (m.type === 'AUTH') send({ type: 'AUTH_STATE', channel: 0, state: 'AUTHORIZED' });
        if (m.type === 'CHANNEL_REQUEST') send({ type: 'CHANNEL_OPENED', channel: 1, service: 'FEED' });
        if (m.type === 'FEED_SETUP')
          send({ type: 'FEED_CONFIG', channel: 1, dataFormat: 'COMPACT', eventFields: { Trade: ['eventType', 'eventSymbol', 'price', 'time'] } });
        if (m.type === 'FEED_SUBSCRIPTION') script(ws);
        if (m.type === 'KEEPALIVE' && keepalives) send({ type: 'KEEPALIVE', channel: 0 });
      }),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 15));
  const scheduler = new ManualScheduler(clock);
  const ctx = brokerContext({ baseUrl: `http://127.0.0.1:${port}`, environment: 'sandbox', credentials: { access_token: 'tok' }, clock, scheduler });
  const ticks: Tick[] = [];
  const statuses: MarketStreamStatus[] = [];
  const problems: StreamProblem[] = [];
  const stream = adapter.marketStream!.open(ctx, { onTick: (t) => ticks.push(t), onStatus: (s) => statuses.push(s), onProblem: (p) => problems.push(p) });
  return {
    scheduler,
    stream,
    ticks,
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

/** The streaming section for tastytrade: DXLink with a quote token, and the account streamer, against the simulator. */
export const tastytradeStreamingCases = [
  behaviour('streaming', 'gets the quote token and DXLink URL over REST; the account streamer is on the real hosts or the overridden one', async () => {
    const ctx = (baseUrl: string) => brokerContext({ baseUrl, environment: 'live', credentials: {}, clock: new ManualClock() });
    expect(accountStreamerUrl(ctx('https://api.tastyworks.com'))).toBe('wss://streamer.tastyworks.com');
    expect(accountStreamerUrl(ctx('https://api.cert.tastyworks.com/'))).toBe('wss://streamer.cert.tastyworks.com');
    expect(accountStreamerUrl(ctx('http://127.0.0.1:4100'))).toBe('ws://127.0.0.1:4100/');
    expect(adapter.marketStream!.limits).toEqual({ instrumentsPerSocket: 500, socketsPerAccount: 1 });
    await withRig(async (rig) => {
      const quote = await quoteToken(rig.ctx());
      expect(quote.dxlinkUrl).toBe(rig.sim.streamUrl);
      expect(rig.sim.streamUrl).toBe(`ws://127.0.0.1:${rig.sim.port}/realtime`);
      expect(accountStreamerUrl(rig.ctx())).toBe(rig.sim.orderStreamUrl);
    });
  }),
  behaviour('streaming', 'ltp mode streams Trade events, quote and full modes Trade and Quote; mode changes and unsubscribe update the feed', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['US:AAPL'], 'ltp');
      stream.subscribe(['US:MSFT'], 'quote');
      stream.subscribe(['US:SPY'], 'full');
      await arrives(() => expect(rig.sim.dxlink.subscriptions()).toEqual([['Quote MSFT', 'Quote SPY', 'Trade AAPL', 'Trade MSFT', 'Trade SPY']]));
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol).sort()).toEqual(['US:AAPL', 'US:MSFT', 'US:MSFT', 'US:SPY', 'US:SPY']));
      const at = rig.clock.now();
      expect(ticks.find((t) => t.symbol === 'US:AAPL')).toEqual({ symbol: 'US:AAPL', ltp: priceAt('AAPL', at), ts: at });
      const msft = ticks.filter((t) => t.symbol === 'US:MSFT');
      const price = priceAt('MSFT', at);
      // The simulator sends Trade data before Quote data: the trade ticks first, then the quote with bid and ask.
      expect(msft[0]).toEqual({ symbol: 'US:MSFT', ltp: price, volume: expect.any(Number), ts: at });
      expect(msft[1]).toMatchObject({ symbol: 'US:MSFT', ltp: price, bid: expect.closeTo(price - 0.01, 6), ask: expect.closeTo(price + 0.01, 6), ts: at });

      stream.subscribe(['US:MSFT', 'US:SPY'], 'ltp');
      stream.unsubscribe(['US:AAPL']);
      await arrives(() => expect(rig.sim.dxlink.subscriptions()).toEqual([['Trade MSFT', 'Trade SPY']]));
      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol).sort()).toEqual(['US:MSFT', 'US:SPY']));
      expect(ticks.every((t) => t.bid === undefined)).toBe(true);
      stream.subscribe(['CRYPTO:BTCUSD', 'NSE:INFY'], 'ltp');
      expect(problems).toEqual(['unsupported', 'unsupported']);
    }),
  ),
  behaviour('streaming', 'a subscription made before the feed is configured goes out in one message once it is', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses } = rig.open();
      stream.subscribe(['US:QQQ'], 'quote');
      stream.subscribe(['US:TSLA'], 'ltp');
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      await arrives(() => expect(rig.sim.dxlink.subscriptions()).toEqual([['Quote QQQ', 'Trade QQQ', 'Trade TSLA']]));
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol).sort()).toEqual(['US:QQQ', 'US:QQQ', 'US:TSLA']));
    }),
  ),
  behaviour('streaming', 'sends KEEPALIVE every 30 s, so the 60 s DXLink timeout never closes a quiet feed', () =>
    withRig(async (rig) => {
      const { statuses } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      await rig.scheduler.advance(3 * DXLINK_KEEPALIVE_TIMEOUT_MS);
      await arrives(() => expect(rig.sim.dxlink.connectionCount).toBe(1));
      expect(statuses).toEqual([{ state: 'open' }]);

      // A client that never sends KEEPALIVE is closed by the simulator after 60 s, with ERROR TIMEOUT.
      const raw = await rawDxLink(rig.sim.streamUrl);
      raw.send({ type: 'SETUP', channel: 0, version: '0.1-js', keepaliveTimeout: 60, acceptKeepaliveTimeout: 60 });
      await arrives(() => expect(raw.got.map((m) => m.type)).toEqual(['SETUP', 'AUTH_STATE']));
      await rig.scheduler.advance(DXLINK_KEEPALIVE_TIMEOUT_MS);
      await arrives(() => expect(raw.closed()).toBe(true));
      expect(raw.got.find((m) => m.type === 'ERROR')).toMatchObject({ error: 'TIMEOUT' });
    }),
  ),
  behaviour('streaming', 'the simulator speaks DXLink to a plain client: FULL format, the fields asked for, CHANNEL_CANCEL', () =>
    withRig(async (rig) => {
      const { token } = await quoteToken(rig.ctx());
      const raw = await rawDxLink(rig.sim.streamUrl);
      raw.send({ type: 'SETUP', channel: 0, version: '0.1-js', keepaliveTimeout: 60, acceptKeepaliveTimeout: 60 });
      raw.send({ type: 'CHANNEL_REQUEST', channel: 3, service: 'FEED', parameters: { contract: 'AUTO' } });
      raw.send({ type: 'AUTH', channel: 0, token });
      raw.send({ type: 'CHANNEL_REQUEST', channel: 3, service: 'FEED', parameters: { contract: 'AUTO' } });
      raw.send({
        type: 'FEED_SETUP',
        channel: 3,
        acceptDataFormat: 'FULL',
        acceptEventFields: { Quote: ['eventType', 'eventSymbol', 'bidPrice', 'askPrice'] },
      });
      raw.send({ type: 'FEED_SUBSCRIPTION', channel: 3, add: [{ type: 'Quote', symbol: 'QQQ' }] });
      await arrives(() => expect(raw.got.map((m) => m.type)).toEqual(['SETUP', 'AUTH_STATE', 'ERROR', 'AUTH_STATE', 'CHANNEL_OPENED', 'FEED_CONFIG']));
      expect(raw.got[2]).toMatchObject({ error: 'UNAUTHORIZED' });
      expect(raw.got[3]).toMatchObject({ state: 'AUTHORIZED' });
      expect(raw.got[5]).toMatchObject({ dataFormat: 'FULL', eventFields: { Quote: ['eventType', 'eventSymbol', 'bidPrice', 'askPrice'] } });
      await rig.scheduler.advance(1_000);
      await arrives(() => expect(raw.got.at(-1)).toMatchObject({ type: 'FEED_DATA', channel: 3 }));
      const price = priceAt('QQQ', rig.clock.now());
      expect((raw.got.at(-1)!.data as unknown[])[0]).toEqual({
        eventType: 'Quote',
        eventSymbol: 'QQQ',
        bidPrice: expect.closeTo(price - 0.01, 6),
        askPrice: expect.closeTo(price + 0.01, 6),
      });
      raw.send({ type: 'CHANNEL_CANCEL', channel: 3 });
      await arrives(() => expect(raw.got.at(-1)).toEqual({ type: 'CHANNEL_CLOSED', channel: 3 }));
      raw.ws.close();

      // dxFeed's own client sends SETUP and AUTH back to back and skips the greeting AUTH_STATE.
      const sdk = await rawDxLink(rig.sim.streamUrl);
      sdk.send({ type: 'SETUP', channel: 0, version: '0.1-DXF-JS/0.3.0', keepaliveTimeout: 60, acceptKeepaliveTimeout: 60 });
      sdk.send({ type: 'AUTH', channel: 0, token });
      await arrives(() =>
        expect(sdk.got.map((m) => [m.type, m.state])).toEqual([
          ['SETUP', undefined],
          ['AUTH_STATE', 'UNAUTHORIZED'],
          ['AUTH_STATE', 'AUTHORIZED'],
        ]),
      );
      sdk.ws.close();
    }),
  ),
  behaviour('streaming', 'dropped sockets (three in a row) reconnect through the subscription manager with a new quote token and resubscribes', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('tt-1', panel, ['US:AAPL', 'US:SPY'], 'quote');
      await arrives(() => expect(manager.status('tt-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['US:AAPL', 'US:SPY'])));

      // A bounded soak: three drops in a row, each followed by a new socket that carries both symbols again.
      for (let drop = 1; drop <= 3; drop++) {
        rig.sim.dxlink.dropAll();
        await arrives(() => expect(manager.status('tt-1')).toBe('reconnecting'));
        await rig.stepUntil(20_000, () => expect(manager.status('tt-1')).toBe('live'));
        panel.ticks.length = 0;
        await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['US:AAPL', 'US:SPY'])));
        expect(rig.sim.dxlink.connectionCount).toBe(1);
      }
      expect(manager.counters('tt-1')).toMatchObject({ drops: 3, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'after the 15-minute access token rolls over and the app signs in again, the manager reopens and carries on', () =>
    withRig(async (rig) => {
      let credentials: Record<string, string> = { ...rig.sim.credentials, ...rig.sim.session };
      const manager = rig.manager(() => credentials);
      const panel = recordingConsumer('panel');
      manager.subscribe('tt-1', panel, ['US:AAPL'], 'ltp');
      await arrives(() => expect(manager.status('tt-1')).toBe('live'));

      rig.sim.expireSessions();
      const session = await adapter.login!(rig.ctx(rig.sim.credentials));
      credentials = { ...rig.sim.credentials, ...session.fields };
      manager.sessionChanged('tt-1');
      await rig.stepUntil(8_000, () => expect(manager.status('tt-1')).toBe('live'));
      await arrives(() => expect(rig.sim.dxlink.connectionCount).toBe(1));
      panel.ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(panel.ticks.map((t) => t.symbol)).toEqual(['US:AAPL']));
      expect(manager.counters('tt-1')).toMatchObject({ adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'a quote token DXLink refuses, or an expired access token, closes with reason auth and echoes no token', () =>
    withRig(async (rig) => {
      const canary = 'quoteTokenCANARY4417xxxxxxxx';
      rig.sim.setQuoteTokenOverride(canary);
      const refused = rig.open();
      await arrives(() => expect(refused.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      expect(refused.ticks).toEqual([]);
      expect(JSON.stringify([refused.statuses, refused.problems])).not.toContain('CANARY4417');
      await arrives(() => expect(rig.sim.dxlink.connectionCount).toBe(0));
      rig.sim.setQuoteTokenOverride(null);

      // The 15-minute access token rolled over: no quote token, and the account streamer refuses the connect.
      rig.sim.expireSessions();
      const market = rig.open();
      const orders = rig.openOrders();
      await arrives(() => expect(market.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      await arrives(() => expect(orders.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
    }),
  ),
  behaviour('streaming', 'a subscription past the feed limit is refused', () =>
    withRig(async (rig) => {
      const { stream, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      // 501 symbols in quote mode are 1,002 subscriptions, past the simulator's 1,000.
      stream.subscribe(
        Array.from({ length: 501 }, (_, i) => `US:S${i}`),
        'quote',
      );
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'refused' }]));
      expect(problems).toEqual(['error']);
    }),
  ),
  behaviour('streaming', 'survives malformed frames, unknown messages and data of unconfigured types, counting them', async () => {
    const rig = await scriptedDxLink((socket) => {
      for (const frame of [
        '{not json',
        '[1]',
        '{"type":"WHAT"}',
        '{"type":"FEED_DATA","channel":1,"data":["Quote",["Quote","AAPL",1,2]]}',
        '{"type":"FEED_DATA","channel":1,"data":["Trade",["Trade","AAPL",190.12,1767625200000,"Trade","AAPL"]]}',
        '{"type":"FEED_DATA","channel":1,"data":{"x":1}}',
        '{"type":"ERROR","channel":0,"error":"BAD_ACTION","message":"whatever"}',
        '{"type":"FEED_DATA","channel":1,"data":[{"eventType":"Trade","eventSymbol":"AAPL","price":"190.13","time":1767625200001}]}',
        '{"type":"FEED_DATA","channel":1,"data":["Trade",["Trade","AAPL",190.11,1767625199999]]}',
      ])
        socket.send(frame);
    });
    try {
      await arrives(() => expect(rig.statuses).toEqual([{ state: 'open' }]));
      rig.stream.subscribe(['US:AAPL'], 'quote');
      await arrives(() =>
        expect(rig.ticks).toEqual([
          { symbol: 'US:AAPL', ltp: 190.12, ts: 1767625200000 },
          { symbol: 'US:AAPL', ltp: 190.13, ts: 1767625200001 },
        ]),
      );
      // Quote data was never configured (the server confirmed Trade fields only): refused as 'unknown'.
      await arrives(() => expect(rig.problems).toEqual(['malformed', 'malformed', 'unknown', 'unknown', 'malformed', 'malformed', 'error', 'out-of-order']));
      expect(rig.statuses).toEqual([{ state: 'open' }]);
    } finally {
      await rig.close();
    }
  }),
  behaviour('streaming', 'the account streamer survives malformed and unknown messages; a refused connect closes with reason auth', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const connects: Record<string, unknown>[] = [];
    server.on('connection', (socket) =>
      socket.on('message', (d) => {
        const m = JSON.parse(String(d)) as Record<string, unknown>;
        if (m.action !== 'connect') return;
        connects.push(m);
        if (m['auth-token'] !== 'Bearer good') return socket.send(JSON.stringify({ status: 'error', action: 'connect', message: 'not authorized' }));
        const order = {
          id: 9,
          status: 'Live',
          size: 1,
          'order-type': 'Limit',
          'updated-at': 1767625200000,
          legs: [{ symbol: 'AAPL', quantity: 1, 'remaining-quantity': 1, action: 'Buy to Open' }],
        };
        for (const frame of [
          JSON.stringify({ status: 'ok', action: 'connect', value: ['5WI1'], 'request-id': 1 }),
          '{broken',
          '[]',
          JSON.stringify({ type: 'AccountBalance', data: { 'cash-balance': '1' } }),
          JSON.stringify({ hello: 'there' }),
          JSON.stringify({ type: 'Order', data: { status: 'Live' } }),
          JSON.stringify({ type: 'Order', data: { ...order, status: 'Mystery' } }),
          JSON.stringify({ type: 'Order', data: order }),
        ])
          socket.send(frame);
      }),
    );
    const { port } = server.address() as AddressInfo;
    const open = (token: string) => {
      const clock = new ManualClock(Date.UTC(2026, 0, 5, 15));
      const ctx = brokerContext({
        baseUrl: `http://127.0.0.1:${port}`,
        environment: 'sandbox',
        credentials: { access_token: token, account_number: '5WI1' },
        clock,
      });
      const got = { orders: [] as OrderUpdate[], statuses: [] as MarketStreamStatus[], problems: [] as StreamProblem[] };
      const stream = adapter.orderStream!.open(ctx, {
        onOrder: (o) => got.orders.push(o),
        onStatus: (s) => got.statuses.push(s),
        onProblem: (p) => got.problems.push(p),
      });
      return { ...got, stream };
    };
    try {
      const good = open('good');
      await arrives(() => expect(good.orders).toEqual([{ brokerOrderId: '9', state: 'OPEN', filledQuantity: 0, ts: 1767625200000 }]));
      expect(good.problems).toEqual(['malformed', 'malformed', 'unknown', 'malformed', 'malformed']);
      expect(good.statuses).toEqual([{ state: 'open' }]);
      expect(connects[0]).toMatchObject({ action: 'connect', value: ['5WI1'], 'auth-token': 'Bearer good' });
      good.stream.close();

      const bad = open('badTokenCANARY4417');
      await arrives(() => expect(bad.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      expect(JSON.stringify([bad.statuses, bad.problems])).not.toContain('CANARY4417');
    } finally {
      for (const c of server.clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }),
  behaviour('streaming', 'a server that stops sending (no data, no KEEPALIVE) is dropped by the silence watchdog', async () => {
    const rig = await scriptedDxLink(() => undefined, false);
    try {
      await arrives(() => expect(rig.statuses).toEqual([{ state: 'open' }]));
      await rig.scheduler.advance(80_000);
      expect(rig.statuses).toEqual([{ state: 'open' }]);
      await rig.scheduler.advance(10_000);
      await arrives(() => expect(rig.statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]));
    } finally {
      await rig.close();
    }
  }),
  behaviour('streaming', 'an order placed, filled and cancelled over REST arrives on the account streamer as order updates', () =>
    withRig(async (rig) => {
      const { orders, statuses, problems } = rig.openOrders();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
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
      // Heartbeats every 20 s are answered and read silently; the socket stays open.
      await rig.scheduler.advance(65_000);
      await arrives(() => expect(rig.sim.accountStreamer.connectionCount).toBe(1));
      expect(statuses).toEqual([{ state: 'open' }]);
      expect(problems).toEqual([]);
    }),
  ),
];
