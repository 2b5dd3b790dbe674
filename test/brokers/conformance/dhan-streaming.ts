import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { adapter } from '../../../src/main/brokers/dhan/adapter';
import { toOrderUpdate } from '../../../src/main/brokers/dhan/order-stream';
import { DHAN_FEED_LIMITS, disconnectReason } from '../../../src/main/brokers/dhan/stream';
import { feedUrl, orderUpdateUrl } from '../../../src/main/brokers/dhan/stream-urls';
import type { BrokerAdapter, Instrument } from '../../../src/main/brokers/types';
import { ManualClock } from '../../../src/main/clock';
import type { OrderUpdate, StreamProblem, Tick } from '../../../src/main/streaming/types';
import { priceAt } from '../../simulators/exchange';
import { disconnectPacket, tickerPacket } from '../../simulators/dhan/feed-wire';
import { arrives, recordingConsumer } from '../../support/stream-steps';
import { dhanStreamRig, type DhanStreamRig } from '../../support/dhan-stream';
import { ManualScheduler } from '../../support/manual-scheduler';
import { brokerContext, failure } from '../support';
import { behaviour } from './suite';

/** Runs `body` with a fresh simulator on a manual scheduler, and always closes it. */
async function withRig(body: (rig: DhanStreamRig) => Promise<void>, options: Parameters<typeof dhanStreamRig>[0] = {}): Promise<void> {
  const rig = await dhanStreamRig(options);
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

const second = (ms: number) => Math.floor(ms / 1000) * 1000;

/** `n` made-up NSE equities (ids from 900001): the feed accepts any id; the simulator prices only its own scrips. */
function syntheticInstruments(n: number): Instrument[] {
  return Array.from({ length: n }, (_, i) => ({
    symbol: `NSE:SYN${i}`,
    exchange: 'NSE',
    brokerSymbol: `SYN${i}`,
    token: String(900_001 + i),
    name: `SYN${i}`,
    lotSize: 1,
    tickSize: 0.05,
    segment: 'NSE_EQ',
  }));
}

/** A scripted feed server (the simulator sends only well-formed packets): it sends `frames` after the first request. */
async function scriptedFeed(frames: (string | Buffer)[]): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => socket.once('message', () => frames.forEach((f) => socket.send(f))));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v2`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The streaming section for Dhan: the live market feed and the order update socket against the simulator. */
export const dhanStreamingCases = [
  behaviour('streaming', 'opens the real feed and order update hosts for live and sandbox, and the simulator when overridden', async () => {
    const ctx = (baseUrl: string) => brokerContext({ baseUrl, environment: 'live', credentials: {}, clock: new ManualClock(0) });
    expect(feedUrl(ctx('https://api.dhan.co/v2'))).toBe('wss://api-feed.dhan.co?version=2&authType=2');
    expect(feedUrl(ctx('https://sandbox.dhan.co/v2/'))).toBe('wss://api-feed.dhan.co?version=2&authType=2');
    expect(orderUpdateUrl(ctx('https://api.dhan.co/v2'))).toBe('wss://api-order-update.dhan.co');
    expect(feedUrl(ctx('https://proxy.example/v2'))).toBe('wss://proxy.example/?version=2&authType=2');
    expect(adapter.marketStream!.limits).toEqual({ instrumentsPerSocket: 5_000, socketsPerAccount: 5 });
    expect(DHAN_FEED_LIMITS).toBe(adapter.marketStream!.limits);
    await withRig(async (rig) => {
      expect(feedUrl(rig.ctx())).toBe(rig.sim.streamUrl);
      expect(orderUpdateUrl(rig.ctx())).toBe(rig.sim.orderStreamUrl);
      expect(rig.sim.streamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/\?version=2&authType=2$/);
    });
  }),
  behaviour('streaming', 'subscribes in ltp (ticker), quote and full mode: each mode its request code, packet and tick fields', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:INFY'], 'ltp');
      stream.subscribe(['NSE:SBIN'], 'quote');
      stream.subscribe(['NFO:NIFTY-JAN2026-FUT'], 'full');
      await arrives(() => expect(rig.sim.feed.requests).toHaveLength(3));
      expect(rig.sim.feed.requests).toEqual([
        { code: 15, count: 1 },
        { code: 17, count: 1 },
        { code: 21, count: 1 },
      ]);
      await rig.tickUntil(1_000, () => expect(ticks).toHaveLength(3));
      const at = rig.clock.now();
      const bySymbol = new Map(ticks.map((t) => [t.symbol, t]));
      expect(bySymbol.get('NSE:INFY')).toEqual({ symbol: 'NSE:INFY', ltp: priceAt('NSE:INFY', at), ts: second(at) });
      expect(bySymbol.get('NSE:SBIN')).toEqual({ symbol: 'NSE:SBIN', ltp: priceAt('NSE:SBIN', at), volume: expect.any(Number), ts: second(at) });
      const fut = priceAt('NFO:NIFTY-JAN2026-FUT', at);
      expect(bySymbol.get('NFO:NIFTY-JAN2026-FUT')).toEqual({
        symbol: 'NFO:NIFTY-JAN2026-FUT',
        ltp: fut,
        bid: Math.round((fut - 0.05) * 100) / 100,
        ask: Math.round((fut + 0.05) * 100) / 100,
        volume: expect.any(Number),
        ts: second(at),
      });
      // float32 on the wire, the exchange's paise grid after decoding.
      for (const t of ticks) expect(Math.round(t.ltp * 20)).toBeCloseTo(t.ltp * 20, 6);
      expect(problems).toEqual([]);
    }),
  ),
  behaviour('streaming', 'changes a mode with an unsubscribe in the old code and a subscribe in the new; unsubscribes', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:SBIN', 'NSE:TCS'], 'quote');
      stream.subscribe(['NSE:SBIN'], 'full');
      await arrives(() => expect(rig.sim.feed.requests).toHaveLength(3));
      expect(rig.sim.feed.requests).toEqual([
        { code: 17, count: 2 },
        { code: 18, count: 1 },
        { code: 21, count: 1 },
      ]);
      await rig.tickUntil(1_000, () => expect(ticks).toHaveLength(2));
      expect(ticks.find((t) => t.symbol === 'NSE:SBIN')).toHaveProperty('bid');
      expect(ticks.find((t) => t.symbol === 'NSE:TCS')).not.toHaveProperty('bid');

      stream.subscribe(['NSE:SBIN'], 'ltp');
      stream.unsubscribe(['NSE:TCS']);
      await arrives(() => expect(rig.sim.feed.requests).toHaveLength(6));
      expect(rig.sim.feed.requests.slice(3)).toEqual([
        { code: 22, count: 1 },
        { code: 15, count: 1 },
        { code: 18, count: 1 },
      ]);
      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(ticks).toHaveLength(1));
      await rig.tickUntil(1_000, () => expect(ticks).toHaveLength(2));
      expect(ticks.map((t) => Object.keys(t).sort())).toEqual([
        ['ltp', 'symbol', 'ts'],
        ['ltp', 'symbol', 'ts'],
      ]);
      expect(rig.sim.feed.subscriptionCounts()).toEqual([1]);
    }),
  ),
  behaviour('streaming', 'skips (and counts) a symbol the scrip master does not have, instead of failing the socket', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:NOSUCH', 'NSE:INFY'], 'ltp');
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol)).toEqual(['NSE:INFY']));
      expect(problems).toEqual(['unsupported']);
      expect(statuses).toEqual([{ state: 'open' }]);
    }),
  ),
  behaviour('streaming', 'a dropped socket reconnects through the subscription manager and resubscribes', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('dhan-1', panel, ['NSE:INFY', 'NSE:SBIN'], 'quote');
      await arrives(() => expect(manager.status('dhan-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['NSE:INFY', 'NSE:SBIN'])));

      rig.sim.feed.dropAll();
      await arrives(() => expect(manager.status('dhan-1')).toBe('reconnecting'));
      panel.ticks.length = 0;
      await rig.stepUntil(8_000, () => expect(manager.status('dhan-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['NSE:INFY', 'NSE:SBIN'])));
      expect(rig.sim.feed.connectionCount).toBe(1);
      expect(rig.sim.feed.subscriptionCounts()).toEqual([2]);
      expect(manager.counters('dhan-1')).toMatchObject({ drops: 1, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'a bounded soak of repeated drops: every one reconnects, resubscribes once and leaves one socket', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('dhan-1', panel, ['NSE:INFY', 'NFO:NIFTY-JAN2026-FUT'], 'full');
      await arrives(() => expect(manager.status('dhan-1')).toBe('live'));
      for (let drop = 1; drop <= 5; drop++) {
        // 'live' is the client's open: drop only once the feed has read this socket's subscribe, or it is never logged.
        await arrives(() => expect(rig.sim.feed.subscriptionCounts()).toEqual([2]));
        rig.sim.feed.dropAll();
        await arrives(() => expect(manager.counters('dhan-1')!.drops).toBe(drop));
        await rig.stepUntil(8_000, () => expect(manager.status('dhan-1')).toBe('live'));
        panel.ticks.length = 0;
        await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol)).size).toBe(2));
      }
      expect(rig.sim.feed.connectionCount).toBe(1);
      expect(rig.sim.feed.subscriptionCounts()).toEqual([2]);
      // One full subscribe of both per socket: six sockets, six requests, nothing else.
      expect(rig.sim.feed.requests).toEqual(Array(6).fill({ code: 21, count: 2 }));
      expect(manager.counters('dhan-1')).toMatchObject({ drops: 5, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'a wrong token, a wrong client id and an expired token close with reason auth (809, 808, 807), echoing no secret', () =>
    withRig(async (rig) => {
      const canary = 'eyJhbGciOiJIUzUxMiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.CANARYfeed7731';
      const wrongToken = rig.open(rig.ctx({ ...rig.sim.credentials, accessToken: canary }));
      const wrongClient = rig.open(rig.ctx({ ...rig.sim.credentials, dhanClientId: '1000000099' }));
      await arrives(() => expect(wrongToken.statuses.at(-1)).toEqual({ state: 'closed', reason: 'auth' }));
      await arrives(() => expect(wrongClient.statuses.at(-1)).toEqual({ state: 'closed', reason: 'auth' }));
      // The session expires while the socket is open: the feed ends it with 807 at its next check.
      const open = rig.open();
      open.stream.subscribe(['NSE:INFY'], 'ltp');
      await rig.tickUntil(1_000, () => expect(open.ticks).toHaveLength(1));
      rig.sim.expireSessions();
      await rig.tickUntil(10_000, () => expect(open.statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'auth' }]));
      // A token the JWT says has expired is not even sent.
      const later = rig.open(rig.ctx({ ...rig.sim.credentials, accessToken: 'e30.eyJleHAiOjF9.x' }));
      await arrives(() => expect(later.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      const missing = rig.open(rig.ctx({ dhanClientId: '1000000003' }));
      await arrives(() => expect(missing.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      const seen = JSON.stringify([wrongToken, wrongClient, open, later, missing].map((s) => [s.statuses, s.problems, s.ticks]));
      expect(seen).not.toContain('CANARY');
      expect(wrongToken.ticks).toEqual([]);
      await arrives(() => expect(rig.sim.feed.connectionCount).toBe(0));
    }),
  ),
  behaviour('streaming', 'token rollover: the renewed-away token is disconnected, the manager reopens with the new session', () =>
    withRig(async (rig) => {
      let session = { ...rig.sim.credentials };
      const manager = rig.manager(() => session);
      const panel = recordingConsumer('panel');
      manager.subscribe('dhan-1', panel, ['NSE:INFY'], 'ltp');
      await arrives(() => expect(manager.status('dhan-1')).toBe('live'));
      // RenewToken a little later: a new 24-hour token; the old one stops working and the feed drops its socket.
      await rig.scheduler.advance(2_000);
      const renewed = await adapter.login!(rig.ctx(session));
      await rig.tickUntil(10_000, () => expect(manager.counters('dhan-1')!.drops).toBeGreaterThanOrEqual(1));
      session = { ...session, ...renewed.fields };
      manager.checkSessions();
      await rig.stepUntil(4_000, () => expect(manager.status('dhan-1')).toBe('live'));
      panel.ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(panel.ticks.map((t) => t.symbol)).toContain('NSE:INFY'));
      expect(rig.sim.feed.connectionCount).toBe(1);
    }),
  ),
  behaviour('streaming', 'a sixth connection of the same client gets the disconnect packet 805 and closes as refused', () =>
    withRig(async (rig) => {
      const five = Array.from({ length: 5 }, () => rig.open());
      for (const s of five) await arrives(() => expect(s.statuses).toEqual([{ state: 'open' }]));
      await arrives(() => expect(rig.sim.feed.connectionCount).toBe(5));
      const sixth = rig.open();
      await arrives(() => expect(sixth.statuses.at(-1)).toEqual({ state: 'closed', reason: 'refused' }));
      expect(rig.sim.feed.connectionCount).toBe(5);
      expect([805, 806, 807, 808, 809, 810].map(disconnectReason)).toEqual(['refused', 'refused', 'auth', 'auth', 'auth', 'dropped']);
    }),
  ),
  behaviour('streaming', 'instrument limits: 100 per request, 5000 per socket (the excess counted), and the manager refuses past 5000', () =>
    withRig(async (rig) => {
      const many = syntheticInstruments(5_001);
      const { stream, statuses, problems } = rig.open(rig.ctx(undefined, [...rig.instruments, ...many]));
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(
        many.map((i) => i.symbol),
        'ltp',
      );
      await arrives(() => expect(rig.sim.feed.subscriptionCounts()).toEqual([5_000]));
      expect(rig.sim.feed.requests).toHaveLength(50);
      expect(rig.sim.feed.requests.every((r) => r.code === 15 && r.count === 100)).toBe(true);
      expect(rig.sim.feed.refused).toBe(0);
      expect(problems).toEqual(['unsupported']);

      // The simulator refuses a request of 101 instruments, as a client that ignores the limit would find.
      const raw = new WebSocket(`${rig.sim.streamUrl}&token=${rig.sim.credentials.accessToken}&clientId=${rig.sim.credentials.dhanClientId}`);
      await new Promise((resolve) => raw.once('open', resolve));
      const list = many.slice(0, 101).map((i) => ({ ExchangeSegment: 'NSE_EQ', SecurityId: i.token }));
      raw.send(JSON.stringify({ RequestCode: 15, InstrumentCount: 101, InstrumentList: list }));
      await arrives(() => expect(rig.sim.feed.refused).toBe(1));
      raw.close();

      const manager = rig.manager();
      manager.subscribe(
        'dhan-1',
        recordingConsumer('a'),
        many.slice(0, 3_000).map((i) => i.symbol),
        'ltp',
      );
      expect(() =>
        manager.subscribe(
          'dhan-1',
          recordingConsumer('b'),
          many.slice(3_000).map((i) => i.symbol),
          'ltp',
        ),
      ).toThrow(/at most 5000 instruments per connection/);
    }),
  ),
  behaviour(
    'streaming',
    'survives malformed, truncated and wrong-length packets, text frames, unknown codes and out-of-order ticks, counting each',
    async () => {
      const INFY = { segment: 1, securityId: 1594 };
      const t0 = Date.UTC(2026, 0, 5, 4, 0, 0) / 1000;
      const wrongLength = tickerPacket(INFY, 1500, t0);
      wrongLength.writeInt16LE(40, 1);
      const unknown = Buffer.alloc(16);
      unknown.writeUInt8(99, 0);
      const feed = await scriptedFeed([
        tickerPacket(INFY, 1500.05, t0),
        tickerPacket(INFY, 1500.1, t0 + 2).subarray(0, 11),
        wrongLength,
        'not binary',
        unknown,
        tickerPacket(INFY, 1499.95, t0 - 5),
        tickerPacket(INFY, 1500.15, t0 + 1),
        disconnectPacket(805),
      ]);
      try {
        const clock = new ManualClock(t0 * 1000);
        const ctx = brokerContext({
          baseUrl: feed.baseUrl,
          environment: 'live',
          credentials: { dhanClientId: '1000000003', accessToken: 'a.b.c' },
          clock,
          scheduler: new ManualScheduler(clock),
          instruments: [
            { symbol: 'NSE:INFY', exchange: 'NSE', brokerSymbol: 'INFY', token: '1594', name: 'INFOSYS', lotSize: 1, tickSize: 0.05, segment: 'NSE_EQ' },
          ],
        });
        const ticks: unknown[] = [];
        const statuses: unknown[] = [];
        const problems: StreamProblem[] = [];
        const stream = adapter.marketStream!.open(ctx, { onTick: (t) => ticks.push(t), onStatus: (s) => statuses.push(s), onProblem: (p) => problems.push(p) });
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        stream.subscribe(['NSE:INFY'], 'ltp');
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'refused' }]));
        expect(ticks).toEqual([
          { symbol: 'NSE:INFY', ltp: 1500.05, ts: t0 * 1000 },
          { symbol: 'NSE:INFY', ltp: 1500.15, ts: (t0 + 1) * 1000 },
        ]);
        expect(problems.sort()).toEqual(['malformed', 'malformed', 'out-of-order', 'unknown', 'unknown']);
        stream.close();
      } finally {
        await feed.close();
      }
    },
  ),
  behaviour('streaming', 'server pings keep a quiet socket alive; a server that goes silent is dropped by the watchdog', () =>
    withRig(async (rig) => {
      const { stream, statuses, ticks } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      // No subscriptions, so nothing but the server's pings (every 10 s) for a minute: each is answered and counts as life.
      for (let ping = 1; ping <= 6; ping++) {
        await rig.scheduler.advance(10_000);
        await arrives(() => expect(rig.sim.feed.lastPongs()).toEqual([rig.clock.now()]));
      }
      expect(statuses).toEqual([{ state: 'open' }]);
      stream.subscribe(['NSE:INFY'], 'ltp');
      await rig.tickUntil(1_000, () => expect(ticks).toHaveLength(1));
      rig.sim.feed.mute();
      await rig.scheduler.advance(34_000);
      expect(statuses).toEqual([{ state: 'open' }]);
      await rig.tickUntil(2_000, () => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]));
    }),
  ),
  behaviour('streaming', 'the simulator drops a client that stops answering its pings (~40 s)', () =>
    withRig(async (rig) => {
      const { accessToken, dhanClientId } = rig.sim.credentials;
      const deaf = new WebSocket(`${rig.sim.streamUrl}&token=${accessToken}&clientId=${dhanClientId}`, { autoPong: false });
      const closed = new Promise((resolve) => deaf.once('close', resolve));
      await new Promise((resolve) => deaf.once('open', resolve));
      await arrives(() => expect(rig.sim.feed.connectionCount).toBe(1));
      await rig.scheduler.advance(40_000);
      expect(rig.sim.feed.connectionCount).toBe(1);
      await rig.scheduler.advance(10_000);
      await closed;
      await arrives(() => expect(rig.sim.feed.connectionCount).toBe(0));
    }),
  ),
  behaviour('streaming', 'order updates: a limit order placed and cancelled, and a market order filled, over REST arrive as OrderUpdates', () =>
    withRig(async (rig) => {
      const ctx = rig.ctx();
      const { orders, statuses, problems } = rig.openOrders();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      await arrives(() => expect(rig.sim.orderUpdates.listenerCount).toBe(1));
      const far = Math.round(priceAt('NSE:INFY', rig.clock.now()) * 0.5);
      const limit = await adapter.placeOrder(ctx, { symbol: 'NSE:INFY', side: 'BUY', quantity: 2, type: 'LIMIT', limitPrice: far, clientOrderId: 'stream-1' });
      await arrives(() => expect(orders).toEqual([{ brokerOrderId: limit.brokerOrderId, state: 'OPEN', filledQuantity: 0, ts: second(rig.clock.now()) }]));
      await adapter.cancelOrder(ctx, limit.brokerOrderId);
      await arrives(() => expect(orders.at(-1)).toMatchObject({ brokerOrderId: limit.brokerOrderId, state: 'CANCELLED', message: 'Cancelled by user' }));

      rig.sim.orderUpdates.spelling = 'orderNo';
      const market = await adapter.placeOrder(ctx, { symbol: 'NSE:SBIN', side: 'BUY', quantity: 3, type: 'MARKET', clientOrderId: 'stream-2' });
      const fill = priceAt('NSE:SBIN', rig.clock.now());
      await arrives(() =>
        expect(orders.slice(2)).toEqual([
          { brokerOrderId: market.brokerOrderId, state: 'OPEN', filledQuantity: 0, ts: second(rig.clock.now()) },
          { brokerOrderId: market.brokerOrderId, state: 'FILLED', filledQuantity: 3, averagePrice: fill, ts: second(rig.clock.now()) },
        ]),
      );
      expect(problems).toEqual([]);
    }),
  ),
  behaviour('streaming', 'order updates: Dhan status words map through the REST mapping; both OrderNo spellings; junk is counted', () => {
    const at = Date.UTC(2026, 0, 5, 4, 0, 0);
    const states = ['Transit', 'Pending', 'Part Traded', 'part-traded', 'PART_TRADED', 'Traded', 'Cancelled', 'Rejected', 'Expired', 'Triggered'].map(
      (Status) => toOrderUpdate({ OrderNo: '1', Status }, at)?.state,
    );
    expect(states).toEqual([
      'PENDING',
      'OPEN',
      'PARTIALLY_FILLED',
      'PARTIALLY_FILLED',
      'PARTIALLY_FILLED',
      'FILLED',
      'CANCELLED',
      'REJECTED',
      'EXPIRED',
      'OPEN',
    ]);
    expect(
      toOrderUpdate({ orderNo: 52260105, status: 'Part Traded', tradedQty: '4', avgTradedPrice: 812.35, lastUpdatedTime: '2026-01-05 09:31:07' }, at),
    ).toEqual({ brokerOrderId: '52260105', state: 'PARTIALLY_FILLED', filledQuantity: 4, averagePrice: 812.35, ts: Date.UTC(2026, 0, 5, 4, 1, 7) });
    expect(toOrderUpdate({ OrderNo: '9', Status: 'Rejected', ReasonDescription: 'RMS: margin shortfall' }, at)).toEqual({
      brokerOrderId: '9',
      state: 'REJECTED',
      message: 'RMS: margin shortfall',
      ts: at,
    });
    expect(toOrderUpdate({ Status: 'Traded' }, at)).toBeNull();
    expect(toOrderUpdate({ OrderNo: '1', Status: 'Dancing' }, at)).toBeNull();
  }),
  behaviour('streaming', 'order updates: malformed and unknown messages are counted and survived; a refused login never echoes the token', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const logins: unknown[] = [];
    server.on('connection', (socket) =>
      socket.once('message', (data) => {
        logins.push(JSON.parse(String(data)));
        for (const frame of ['{oops', '[]', '{"Type":"heartbeat"}', '{"Type":"order_alert","Data":7}', '{"Type":"order_alert","Data":{"Status":"Traded"}}'])
          socket.send(frame);
        socket.send(JSON.stringify({ Type: 'order_alert', Data: { OrderNo: '77', Status: 'Traded', TradedQty: 1, AvgTradedPrice: 10.5 } }));
      }),
    );
    try {
      const { port } = server.address() as AddressInfo;
      const clock = new ManualClock(Date.UTC(2026, 0, 5, 4, 0, 0));
      const ctx = brokerContext({
        baseUrl: `http://127.0.0.1:${port}/v2`,
        environment: 'live',
        credentials: { dhanClientId: '1000000003', accessToken: 'a.b.c' },
        clock,
        scheduler: new ManualScheduler(clock),
      });
      const orders: unknown[] = [];
      const problems: StreamProblem[] = [];
      const statuses: unknown[] = [];
      const stream = adapter.orderStream!.open(ctx, { onOrder: (o) => orders.push(o), onStatus: (s) => statuses.push(s), onProblem: (p) => problems.push(p) });
      await arrives(() => expect(orders).toHaveLength(1));
      expect(logins).toEqual([{ LoginReq: { MsgCode: 42, ClientId: '1000000003', Token: 'a.b.c' }, UserType: 'SELF' }]);
      expect(orders).toEqual([{ brokerOrderId: '77', state: 'FILLED', filledQuantity: 1, averagePrice: 10.5, ts: clock.now() }]);
      expect(problems.sort()).toEqual(['malformed', 'malformed', 'malformed', 'malformed', 'unknown']);
      expect(statuses).toEqual([{ state: 'open' }]);
      stream.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    // Against the simulator: a wrong token is closed (how Dhan refuses is unconfirmed), an expired JWT is never sent.
    await withRig(async (rig) => {
      const canary = 'eyJhbGciOiJIUzUxMiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.CANARYorders5521';
      const wrong = rig.openOrders(rig.ctx({ ...rig.sim.credentials, accessToken: canary }));
      await arrives(() => expect(wrong.statuses.at(-1)).toMatchObject({ state: 'closed' }));
      const expired = rig.openOrders(rig.ctx({ ...rig.sim.credentials, accessToken: 'e30.eyJleHAiOjF9.x' }));
      await arrives(() => expect(expired.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      expect(JSON.stringify([wrong, expired].map((s) => [s.statuses, s.problems, s.orders]))).not.toContain('CANARY');
      expect((await failure(adapter.funds(rig.ctx({ ...rig.sim.credentials, accessToken: canary })))).message).not.toContain('CANARY');
    });
  }),
];

/**
 * The streaming case of a Dhan variant (API-key sign-in, PIN + TOTP): the variant carries the family's sockets, and
 * a session obtained its own way streams ticks and order updates from the same simulator.
 */
export function dhanVariantStreamingCase(variant: BrokerAdapter, session: (rig: DhanStreamRig) => Promise<Record<string, string>>) {
  return behaviour('streaming', "streams market data and order updates with the family's sockets and its own session", () =>
    withRig(async (rig) => {
      expect(variant.marketStream).toBe(adapter.marketStream);
      expect(variant.orderStream).toBe(adapter.orderStream);
      const ctx = rig.ctx(await session(rig));
      const ticks: Tick[] = [];
      const statuses: unknown[] = [];
      const orders: OrderUpdate[] = [];
      const market = variant.marketStream!.open(ctx, { onTick: (t) => ticks.push(t), onStatus: (s) => statuses.push(s) });
      const account = variant.orderStream!.open(ctx, { onOrder: (o) => orders.push(o), onStatus: (s) => statuses.push(s) });
      try {
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }, { state: 'open' }]));
        await arrives(() => expect(rig.sim.orderUpdates.listenerCount).toBe(1));
        market.subscribe(['NSE:RELIANCE'], 'full');
        await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol)).toEqual(['NSE:RELIANCE']));
        const ack = await variant.placeOrder(ctx, { symbol: 'NSE:RELIANCE', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'variant-1' });
        await arrives(() =>
          expect(orders.map((o) => [o.brokerOrderId, o.state])).toEqual([
            [ack.brokerOrderId, 'OPEN'],
            [ack.brokerOrderId, 'FILLED'],
          ]),
        );
      } finally {
        market.close();
        account.close();
      }
    }),
  );
}
