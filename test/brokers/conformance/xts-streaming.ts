import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { expect } from 'vitest';
import { orderStreamUrl } from '../../../src/main/brokers/xts/order-stream';
import { marketStreamUrl, XTS_SILENCE_MS, type XtsMarketStream } from '../../../src/main/brokers/xts/stream';
import { DEFAULT_ROOTS } from '../../../src/main/brokers/xts/config';
import { ManualClock } from '../../../src/main/clock';
import type { BrokerAdapter, Instrument } from '../../../src/main/brokers/types';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../../src/main/streaming/types';
import { priceAt } from '../../simulators/exchange';
import type { XtsSimulatorOptions } from '../../simulators/xts';
import { xtsStreamRig, type XtsStreamRig } from '../../support/xts-stream';
import { arrives } from '../../support/stream-steps';
import { ManualScheduler } from '../../support/manual-scheduler';
import { recordingConsumer } from '../../support/stream-steps';
import { brokerContext } from '../support';
import { behaviour, type ConformanceCase } from './suite';

/** The simulator's price for a symbol on its tick (as XTS sends prices). */
const onTick = (price: number, tick: number) => Number((Math.round(price / tick) * tick).toFixed(2));

/** The streaming section for one XTS deployment: its market-data and interactive sockets against the XTS simulator. */
export function xtsStreamingCases(adapter: BrokerAdapter, host: string): ConformanceCase[] {
  async function withRig(body: (rig: XtsStreamRig) => Promise<void>, options: XtsSimulatorOptions = {}): Promise<void> {
    const rig = await xtsStreamRig(adapter, options);
    try {
      await body(rig);
    } finally {
      await rig.close();
    }
  }

  return [
    behaviour('streaming', 'opens the broker host’s sockets, the simulator’s when overridden, and declares its limits', async () => {
      const ctx = (baseUrl: string) => brokerContext({ baseUrl, environment: 'live', credentials: {}, clock: { now: () => 0 } as never });
      const profile = { descriptor: adapter.descriptor, roots: DEFAULT_ROOTS };
      expect(marketStreamUrl(ctx(adapter.descriptor.environments[0]!.baseUrl), profile)).toBe(`https://${host}/apimarketdata`);
      expect(orderStreamUrl(ctx(`https://${host}`))).toBe(`https://${host}`);
      expect(marketStreamUrl(ctx('http://127.0.0.1:4100/'), profile)).toBe('http://127.0.0.1:4100/apimarketdata');
      expect(adapter.marketStream!.limits).toEqual({ instrumentsPerSocket: 1_000, socketsPerAccount: 1 });
      expect(adapter.orderStream).toBeDefined();
      await withRig(async (rig) => {
        expect(rig.sim.streamUrl).toBe(`${rig.sim.baseUrl}/apimarketdata`);
        expect(rig.sim.orderStreamUrl).toBe(rig.sim.baseUrl);
        expect(marketStreamUrl(rig.ctx(), profile)).toBe(rig.sim.streamUrl);
      });
    }),

    behaviour('streaming', 'streams ltp (1512), quote (1501) and full (1502) ticks on the tick size, changes mode, and unsubscribes', () =>
      withRig(async (rig) => {
        const token = rig.session.marketDataToken!;
        const { stream, ticks, statuses, problems } = rig.open();
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        stream.subscribe(['NSE:RELIANCE'], 'ltp');
        stream.subscribe(['NSE:SBIN'], 'quote');
        stream.subscribe(['BSE:RELIANCE'], 'full');
        // The subscription replies carry each instrument's current event: the first tick comes before the socket's.
        await arrives(() => expect(new Set(ticks.map((t) => t.symbol))).toEqual(new Set(['NSE:RELIANCE', 'NSE:SBIN', 'BSE:RELIANCE'])));
        expect(rig.sim.dataStream.subscribedCodes(token, '1_2885')).toEqual([1512]);
        expect(rig.sim.dataStream.subscribedCodes(token, '1_3045')).toEqual([1501]);
        expect(rig.sim.dataStream.subscribedCodes(token, '11_500325')).toEqual([1502]);

        ticks.length = 0;
        await rig.tickUntil(1_000, () => expect(ticks).toHaveLength(3));
        const at = rig.clock.now();
        const by = (symbol: string) => ticks.find((t) => t.symbol === symbol);
        expect(by('NSE:RELIANCE')).toEqual({ symbol: 'NSE:RELIANCE', ltp: onTick(priceAt('NSE:RELIANCE', at), 0.1), ts: at });
        const sbin = onTick(priceAt('NSE:SBIN', at), 0.05);
        expect(by('NSE:SBIN')).toEqual({
          symbol: 'NSE:SBIN',
          ltp: sbin,
          bid: onTick(sbin - 0.05, 0.05),
          ask: onTick(sbin + 0.05, 0.05),
          volume: 182_300,
          ts: at,
        });
        const bse = onTick(priceAt('BSE:RELIANCE', at), 0.05);
        expect(by('BSE:RELIANCE')).toEqual({
          symbol: 'BSE:RELIANCE',
          ltp: bse,
          bid: onTick(bse - 0.05, 0.05),
          ask: onTick(bse + 0.05, 0.05),
          volume: 182_300,
          ts: at,
        });

        // ltp → quote: 1501 is asked for, then 1512 let go.
        stream.subscribe(['NSE:RELIANCE'], 'quote');
        await arrives(() => expect(rig.sim.dataStream.subscribedCodes(token, '1_2885')).toEqual([1501]));
        stream.unsubscribe(['NSE:SBIN']);
        await arrives(() => expect(rig.sim.dataStream.subscribedCount(token)).toBe(2));
        ticks.length = 0;
        await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol).sort()).toEqual(['BSE:RELIANCE', 'NSE:RELIANCE']));
        expect(by('NSE:RELIANCE')).toMatchObject({ bid: expect.any(Number), ask: expect.any(Number) });
        expect(stream.counters).toEqual({ malformed: 0, unknown: 0, errors: 0, unsupported: 0, outOfOrder: 0 });
        expect(problems).toEqual([]);
      }),
    ),

    behaviour('streaming', 'merges partial (broadcastMode Partial) events as the simulator sends them to Symphony’s SDK', () =>
      withRig(async (rig) => {
        // The adapter asks for Full; the simulator's Partial text must still be what the parser reads.
        const instrument = { segment: 'NSECM', id: 3045, symbol: 'NSE:SBIN', tickSize: 0.05 } as const;
        const text = rig.sim.dataStream.partialEvent(instrument as never, 1501);
        const at = rig.clock.now();
        const price = onTick(priceAt('NSE:SBIN', at), 0.05);
        expect(text).toMatch(/^t:1_3045,ltp:[\d.]+,/);
        const { parsePartialEvent } = await import('../../../src/main/brokers/xts/stream-parse');
        expect(parsePartialEvent(text, 1501)).toEqual({
          key: '1_3045',
          messageCode: 1501,
          ltp: price,
          bid: onTick(price - 0.05, 0.05),
          ask: onTick(price + 0.05, 0.05),
          volume: 182_300,
          ts: Math.floor(at / 1000) * 1000,
        });
      }),
    ),

    behaviour('streaming', 'a dropped socket reconnects through the subscription manager and resubscribes', () =>
      withRig(async (rig) => {
        const manager = rig.manager();
        const panel = recordingConsumer('panel');
        manager.subscribe('xts-1', panel, ['NSE:INFY', 'NSE:SBIN'], 'quote');
        await arrives(() => expect(manager.status('xts-1')).toBe('live'));
        await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['NSE:INFY', 'NSE:SBIN'])));

        rig.sim.dataStream.dropAll();
        await arrives(() => expect(manager.status('xts-1')).toBe('reconnecting'));
        panel.ticks.length = 0;
        // The same session still holds its subscriptions: XTS answers e-session-0002, which the adapter takes as held.
        await rig.stepUntil(8_000, () => expect(manager.status('xts-1')).toBe('live'));
        await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['NSE:INFY', 'NSE:SBIN'])));
        expect(rig.sim.dataStream.connectionCount).toBe(1);
        expect(manager.counters('xts-1')).toMatchObject({ drops: 1, adapterErrors: 0 });
      }),
    ),

    behaviour('streaming', 'a wrong token closes both sockets with reason auth and never echoes it', () =>
      withRig(async (rig) => {
        const canary = 'eyJhbGciOiJIUzI1NiJ9.CANARY4417.wrong';
        const wrong = rig.ctx({ ...rig.session, marketDataToken: canary, interactiveToken: canary });
        const market = rig.open(wrong);
        const orders = rig.openOrders(wrong);
        await arrives(() => expect(market.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
        await arrives(() => expect(orders.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
        expect(market.ticks).toEqual([]);
        expect(rig.sim.dataStream.connectionCount).toBe(0);
        expect(JSON.stringify([market.statuses, market.problems, orders.statuses, orders.problems])).not.toContain('CANARY4417');
      }),
    ),

    behaviour('streaming', 'a re-login (token rollover) logs the old socket out; the manager reopens with the new token', () =>
      withRig(async (rig) => {
        const manager = rig.manager();
        const panel = recordingConsumer('panel');
        manager.subscribe('xts-1', panel, ['NSE:TCS'], 'ltp');
        await arrives(() => expect(manager.status('xts-1')).toBe('live'));
        await rig.tickUntil(1_000, () => expect(panel.ticks.length).toBeGreaterThan(0));
        // A login anywhere with the same app keys replaces the session: the old socket hears `logout` and closes.
        const update = await adapter.login!(rig.ctx());
        expect(update.fields.marketDataToken).not.toBe(rig.session.marketDataToken);
        await rig.stepUntil(3_000, () => expect(manager.status('xts-1')).not.toBe('live'));
        rig.session = { ...rig.session, ...update.fields };
        manager.checkSessions();
        await rig.stepUntil(8_000, () => expect(manager.status('xts-1')).toBe('live'));
        panel.ticks.length = 0;
        await rig.tickUntil(1_000, () => expect(panel.ticks.map((t) => t.symbol)).toContain('NSE:TCS'));
        expect(rig.sim.dataStream.subscribedCount(update.fields.marketDataToken!)).toBe(1);
      }),
    ),

    behaviour('streaming', 'enforces the instrument limit: the manager refuses past the declared one, the broker’s refusal closes as refused', () =>
      withRig(
        async (rig) => {
          const manager = rig.manager();
          const many = Array.from({ length: 1_001 }, (_, i) => `NSE:S${i}`);
          expect(() => manager.subscribe('xts-1', recordingConsumer('a'), many, 'ltp')).toThrow(/1,?000/);
          expect(manager.status('xts-1')).toBeNull();

          const { stream, statuses } = rig.open();
          await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
          stream.subscribe(['NSE:INFY', 'NSE:SBIN'], 'ltp');
          await arrives(() => expect(rig.sim.dataStream.subscribedCount(rig.session.marketDataToken!)).toBe(2));
          stream.subscribe(['NSE:TCS'], 'ltp');
          await arrives(() => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'refused' }]));
        },
        { instrumentLimit: 2 },
      ),
    ),

    behaviour('streaming', 'pings on the scheduler; a server that stops answering is dropped by the silence watchdog', async () => {
      await silentServerCheck(adapter);
    }),

    behaviour('streaming', 'an order placed and cancelled over REST arrives on the interactive socket (JSON text)', () =>
      withRig(async (rig) => {
        const { orders, statuses, stream } = rig.openOrders();
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        const ack = await adapter.placeOrder(rig.ctx(), { symbol: 'NSE:SBIN', side: 'BUY', quantity: 3, type: 'MARKET', clientOrderId: 'bv-stream-1' });
        const at = rig.clock.now();
        await arrives(() => expect(orders.map((o) => o.state)).toEqual(['OPEN', 'FILLED']));
        expect(orders[0]).toEqual({ brokerOrderId: ack.brokerOrderId, state: 'OPEN', filledQuantity: 0, ts: at });
        expect(orders[1]).toEqual({ brokerOrderId: ack.brokerOrderId, state: 'FILLED', filledQuantity: 3, averagePrice: priceAt('NSE:SBIN', at), ts: at });

        const limit = await adapter.placeOrder(rig.ctx(), {
          symbol: 'NSE:SBIN',
          side: 'BUY',
          quantity: 1,
          type: 'LIMIT',
          limitPrice: 1,
          clientOrderId: 'bv-stream-2',
        });
        await arrives(() => expect(orders.filter((o) => o.brokerOrderId === limit.brokerOrderId).map((o) => o.state)).toEqual(['OPEN']));
        await adapter.cancelOrder(rig.ctx(), limit.brokerOrderId);
        await arrives(() => expect(orders.filter((o) => o.brokerOrderId === limit.brokerOrderId).map((o) => o.state)).toEqual(['OPEN', 'CANCELLED']));
        expect(stream.counters).toEqual({ malformed: 0, unknown: 0, errors: 0 });
      }),
    ),

    behaviour('streaming', 'order events sent as objects map the same way', () =>
      withRig(
        async (rig) => {
          const { orders, statuses } = rig.openOrders();
          await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
          const ack = await adapter.placeOrder(rig.ctx(), { symbol: 'NSE:INFY', side: 'BUY', quantity: 2, type: 'MARKET', clientOrderId: 'bv-stream-3' });
          await arrives(() =>
            expect(orders.map((o) => [o.brokerOrderId, o.state])).toEqual([
              [ack.brokerOrderId, 'OPEN'],
              [ack.brokerOrderId, 'FILLED'],
            ]),
          );
        },
        { orderPayload: 'object' },
      ),
    ),

    behaviour('streaming', 'survives malformed and truncated events, unknown events and broker errors, counting them', async () => {
      await scriptedServerCheck(adapter);
    }),

    behaviour('streaming', 'maps partial fills and rejections on the order socket, and survives malformed and unknown events', async () => {
      await scriptedOrderCheck(adapter);
    }),
  ];
}

/** A scripted XTS speaking the EIO 3 wire by hand, so a test can send what no socket.io server would. */
async function scriptedXts(
  root: string,
  onSocket: (socket: WebSocket, received: string[]) => void,
  listQuotes: string[] = [],
): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'success', code: 's-session-0001', description: 'ok', result: { mdp: 1512, listQuotes } }));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== `${root}/socket.io/` || url.searchParams.get('EIO') !== '3' || url.searchParams.get('transport') !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const received: string[] = [];
      ws.on('message', (data) => received.push(String(data)));
      ws.send('0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":5000}');
      ws.send('40');
      ws.send('42["joined","ok"]');
      onSocket(ws, received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const RELIANCE: Instrument = {
  symbol: 'NSE:RELIANCE',
  exchange: 'NSE',
  brokerSymbol: 'RELIANCE-EQ',
  token: '2885',
  name: 'RELIANCE',
  lotSize: 1,
  tickSize: 0.1,
  segment: 'NSECM',
};

/** Malformed and truncated frames and events, unknown ones and broker errors: each counted, none closing the socket. */
async function scriptedServerCheck(adapter: BrokerAdapter): Promise<void> {
  const nseSeconds = Math.floor(Date.UTC(2026, 0, 5, 5) / 1000) - 315_513_000;
  const good = JSON.stringify({ MessageCode: 1512, ExchangeSegment: 1, ExchangeInstrumentID: 2885, LastTradedPrice: 2450.2, LastUpdateTime: nseSeconds });
  const older = JSON.stringify({ MessageCode: 1512, ExchangeSegment: 1, ExchangeInstrumentID: 2885, LastTradedPrice: 2449, LastUpdateTime: nseSeconds - 5 });
  let server: WebSocket | null = null;
  const xts = await scriptedXts('/apimarketdata', (ws) => (server = ws), ['{"MessageCode":15', good]);
  try {
    const ctx = brokerContext({
      baseUrl: xts.baseUrl,
      environment: 'live',
      credentials: { marketDataToken: 't', marketDataUserId: 'u' },
      clock: { now: () => 0 } as never,
      instruments: [RELIANCE],
    });
    const ticks: Tick[] = [];
    const statuses: MarketStreamStatus[] = [];
    const problems: StreamProblem[] = [];
    const stream = adapter.marketStream!.open(ctx, {
      onTick: (t) => ticks.push(t),
      onStatus: (s) => statuses.push(s),
      onProblem: (p) => problems.push(p),
    }) as XtsMarketStream;
    await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
    stream.subscribe(['NSE:RELIANCE', 'NSE:NOSUCH'], 'ltp');
    const ts = Date.UTC(2026, 0, 5, 5);
    // The reply's good entry ticks first; the bad frames follow only then, so none lands before the subscription.
    await arrives(() => expect(ticks).toEqual([{ symbol: 'NSE:RELIANCE', ltp: 2450.2, ts }]));
    const event = (name: string, payload: unknown) => JSON.stringify([name, payload]);
    for (const frame of [
      `42${event('1512-json-full', '{not json')}`,
      `42${event('1512-json-full', good.slice(0, 40))}`,
      `42${event('1501-json-full', JSON.stringify({ ExchangeSegment: 1 }))}`,
      `42${event('1512-json-partial', 'no pairs here')}`,
      `42${event('1512-json-full', older)}`,
      `42${event('mystery-event', { a: 1 })}`,
      `42${event('error', 'Something went wrong')}`,
      '42["1512-json-fu',
      '9zzz',
      '45-["x",{"_placeholder":true,"num":0}]',
    ])
      server!.send(frame);
    server!.send(Buffer.from([0x04, 0xff]));
    server!.send(`42${event('1512-json-partial', 't:1_2885,ltp:2450.5')}`);
    await arrives(() =>
      expect(ticks).toEqual([
        { symbol: 'NSE:RELIANCE', ltp: 2450.2, ts },
        { symbol: 'NSE:RELIANCE', ltp: 2450.5, ts },
      ]),
    );
    expect(stream.counters).toEqual({ malformed: 8, unknown: 2, errors: 1, unsupported: 1, outOfOrder: 1 });
    expect(problems).toHaveLength(13);
    expect(statuses).toEqual([{ state: 'open' }]);
    stream.close();
  } finally {
    await xts.close();
  }
}

/** The client pings at the server's interval on the scheduler; when the answers stop, the watchdog drops the socket. */
async function silentServerCheck(adapter: BrokerAdapter): Promise<void> {
  let answering = true;
  let received: string[] = [];
  const xts = await scriptedXts('/apimarketdata', (ws, got) => {
    received = got;
    ws.on('message', (data) => {
      if (!answering || String(data) !== '2') return;
      ws.send('3');
      // A frame the client reports (an ack it never asked for): once it has, it has read the pong before it too.
      ws.send('43');
    });
  });
  try {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 5));
    const scheduler = new ManualScheduler(clock);
    const ctx = brokerContext({ baseUrl: xts.baseUrl, environment: 'live', credentials: { marketDataToken: 't', marketDataUserId: 'u' }, clock, scheduler });
    const statuses: MarketStreamStatus[] = [];
    const problems: StreamProblem[] = [];
    const stream = adapter.marketStream!.open(ctx, { onTick: () => undefined, onStatus: (s) => statuses.push(s), onProblem: (p) => problems.push(p) });
    await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
    // Two pings within the first minute, each answered: the socket stays up past the watchdog's 60 s.
    await scheduler.advance(25_000);
    await arrives(() => expect(problems).toHaveLength(1));
    await scheduler.advance(25_000);
    await arrives(() => expect(problems).toHaveLength(2));
    expect(received).toEqual(['2', '2']);
    await scheduler.advance(XTS_SILENCE_MS - 50_000 + 5_000);
    expect(statuses).toEqual([{ state: 'open' }]);
    answering = false;
    await scheduler.advance(XTS_SILENCE_MS);
    await arrives(() => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]));
    stream.close();
  } finally {
    await xts.close();
  }
}

/** A scripted interactive socket: order events the simulator never sends (partial fill, rejection, broken ones). */
async function scriptedOrderCheck(adapter: BrokerAdapter): Promise<void> {
  let server: WebSocket | null = null;
  const xts = await scriptedXts('/interactive', (ws) => (server = ws));
  try {
    const ctx = brokerContext({
      baseUrl: xts.baseUrl,
      environment: 'live',
      credentials: { interactiveToken: 't', interactiveUserId: 'u' },
      clock: { now: () => 0 } as never,
    });
    const orders: OrderUpdate[] = [];
    const statuses: MarketStreamStatus[] = [];
    const problems: StreamProblem[] = [];
    const stream = adapter.orderStream!.open(ctx, { onOrder: (o) => orders.push(o), onStatus: (s) => statuses.push(s), onProblem: (p) => problems.push(p) });
    await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
    const row = {
      AppOrderID: 1200000042,
      ExchangeSegment: 'NSECM',
      ExchangeInstrumentID: 2885,
      OrderSide: 'BUY',
      OrderType: 'Limit',
      OrderPrice: 2450,
      OrderQuantity: 10,
      LastUpdateDateTime: '2026-01-05T10:30:00.0000000',
    };
    const event = (name: string, payload: unknown) => `42${JSON.stringify([name, payload])}`;
    server!.send(event('order', '{"AppOrderID":12000'));
    server!.send(event('order', { OrderStatus: 'Filled' }));
    server!.send(event('order', { ...row, OrderStatus: 'PartiallyFilled', CumulativeQuantity: 4, OrderAverageTradedPrice: '2449.95', CancelRejectReason: '' }));
    server!.send(event('trade', { AppOrderID: 1200000042 }));
    server!.send(event('mystery', 1));
    server!.send(event('error', 'oops'));
    server!.send(
      event(
        'order',
        JSON.stringify({ ...row, AppOrderID: 1200000043, OrderStatus: 'Rejected', CumulativeQuantity: 0, CancelRejectReason: 'RMS: margin exceeds' }),
      ),
    );
    const at = Date.UTC(2026, 0, 5, 5);
    await arrives(() =>
      expect(orders).toEqual([
        { brokerOrderId: '1200000042', state: 'PARTIALLY_FILLED', filledQuantity: 4, averagePrice: 2449.95, ts: at },
        { brokerOrderId: '1200000043', state: 'REJECTED', filledQuantity: 0, message: 'RMS: margin exceeds', ts: at },
      ]),
    );
    expect(problems.sort()).toEqual(['error', 'malformed', 'malformed', 'unknown']);
    expect(statuses).toEqual([{ state: 'open' }]);
    // A server that ends the session says logout: the socket closes as auth.
    server!.send(event('logout', 'Session expired'));
    await arrives(() => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'auth' }]));
    stream.close();
  } finally {
    await xts.close();
  }
}
