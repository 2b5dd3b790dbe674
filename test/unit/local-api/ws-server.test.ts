import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../../../src/main/clock';
import { Emitter } from '../../../src/main/events';
import type { KeyCaller } from '../../../src/main/local-api/keys';
import { onFreePorts } from '../../support/ports';
import { WsServer } from '../../../src/main/local-api/ws-server';
import { SubscriptionManager } from '../../../src/main/streaming/subscription-manager';
import type { OrderView } from '../../../src/shared/schemas';
import { FakeStreamSource } from '../../support/fake-stream';
import { ManualScheduler } from '../../support/manual-scheduler';
import { arrives, quietLogger } from '../../support/stream-steps';

const KEY = 'a'.repeat(64);
const CONN = 'c'.repeat(32);
const OTHER = 'd'.repeat(32);

/** Listen on a free port, on another if it was taken before the bind. */
const listenOnFreePort = (on: WsServer) => onFreePorts(1, ([port]) => on.listen(port!).catch(() => null));

let server: WsServer;
let port: number;
/** The server's own timers (sign-in limit, heartbeat): nothing fires until a test moves it. */
let timers: ManualScheduler;
let source: FakeStreamSource;
let streams: SubscriptionManager;
let orders: Emitter<OrderView>;
let revoked: boolean;
const sockets: WebSocket[] = [];

const caller: KeyCaller = { keyId: 'k1', permission: 'read', paper: false, connectionIds: [CONN] };

beforeEach(async () => {
  source = new FakeStreamSource();
  streams = new SubscriptionManager({ source, scheduler: new ManualScheduler(new ManualClock()), random: () => 0.5, logger: quietLogger });
  orders = new Emitter<OrderView>();
  revoked = false;
  timers = new ManualScheduler(new ManualClock());
  server = new WsServer({
    authenticate: (key) => (key === KEY && !revoked ? caller : null),
    recheck: () => (revoked ? null : caller),
    streams,
    candidates: (c) => c.connectionIds.slice(),
    toCommon: async (_caller, symbol, exchange) => ({ common: `${exchange}:${symbol}` }),
    onOrder: orders.event,
    brokerOf: () => 'zerodha',
    record: () => undefined,
    hostNames: [],
    limits: { authTimeoutMs: 300 },
    log: quietLogger,
    scheduler: timers,
  });
  port = await listenOnFreePort(server);
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await server.close();
  streams.dispose();
});

/** A connected socket and every message it receives, parsed. */
async function connect(headers: Record<string, string> = {}): Promise<{ socket: WebSocket; messages: Record<string, unknown>[]; send(m: unknown): void }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`, { headers });
  sockets.push(socket);
  const messages: Record<string, unknown>[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, messages, send: (m) => socket.send(JSON.stringify(m)) };
}

async function authed() {
  const c = await connect();
  c.send({ action: 'authenticate', api_key: KEY });
  await arrives(() => expect(c.messages[0]).toMatchObject({ type: 'auth', status: 'success', broker: 'zerodha' }));
  return c;
}

describe('local API WebSocket', () => {
  it('refuses a wrong key and closes the socket', async () => {
    const c = await connect();
    const closed = new Promise<number>((resolve) => c.socket.once('close', (code) => resolve(code)));
    c.send({ action: 'authenticate', api_key: 'b'.repeat(64) });
    expect(await closed).toBe(1008);
    expect(c.messages).toEqual([{ type: 'auth', status: 'error', message: 'Invalid API key' }]);
  });

  it('closes a socket that never authenticates, and refuses subscribing before it', async () => {
    const c = await connect();
    const closed = new Promise<number>((resolve) => c.socket.once('close', (code) => resolve(code)));
    c.send({ action: 'subscribe', symbol: 'INFY', exchange: 'NSE', mode: 1 });
    await arrives(() => expect(c.messages[0]).toMatchObject({ type: 'error', code: 'NOT_AUTHENTICATED' }));
    // Open until the sign-in limit, then closed.
    await timers.advance(299);
    expect(c.socket.readyState).toBe(WebSocket.OPEN);
    await timers.advance(1);
    expect(await closed).toBe(1008);
    expect(source.opened).toEqual([]);
  });

  it("refuses a web page's Origin and a foreign Host at the handshake", async () => {
    await expect(connect({ origin: 'https://evil.example' })).rejects.toThrow(/403|Unexpected server response/);
    await expect(connect({ host: `evil.example:${port}` })).rejects.toThrow(/403|Unexpected server response/);
    // Python's websocket-client sends the server's own origin: accepted.
    const own = await connect({ origin: `http://127.0.0.1:${port}` });
    own.socket.close();
  });

  it('subscribes in LTP, quote and depth modes through the subscription manager, and unsubscribes', async () => {
    const c = await authed();
    c.send({ action: 'subscribe', symbol: 'INFY', exchange: 'NSE', mode: 1 });
    c.send({ action: 'subscribe', symbol: 'INFY', exchange: 'NSE', mode: 2 });
    c.send({ action: 'subscribe', symbol: 'TCS', exchange: 'NSE', mode: 3 });
    await arrives(() => expect(c.messages.filter((m) => m.type === 'subscribe' && m.status === 'success')).toHaveLength(3));
    await arrives(() => expect(source.current.carried.get('NSE:INFY')).toBe('quote'));
    expect(source.current.carried.get('NSE:TCS')).toBe('full');
    source.current.tick('NSE:INFY', 1500.5, Date.UTC(2026, 0, 5, 4), { bid: 1500, ask: 1501, volume: 10 });
    source.current.tick('NSE:TCS', 3000, Date.UTC(2026, 0, 5, 4), { bid: 2999, ask: 3001 });
    await arrives(() => expect(c.messages.filter((m) => m.type === 'market_data')).toHaveLength(3));
    const data = c.messages.filter((m) => m.type === 'market_data');
    expect(data).toContainEqual({
      type: 'market_data',
      mode: 1,
      topic: 'INFY.NSE',
      data: { symbol: 'INFY', exchange: 'NSE', ltp: 1500.5, timestamp: '2026-01-05T04:00:00.000Z' },
    });
    expect(data).toContainEqual(expect.objectContaining({ mode: 2, data: expect.objectContaining({ ltp: 1500.5, bid: 1500, ask: 1501, volume: 10 }) }));
    expect(data).toContainEqual(
      expect.objectContaining({
        mode: 3,
        topic: 'TCS.NSE',
        data: expect.objectContaining({
          depth: { buy: [{ price: 2999, quantity: null, orders: null }], sell: [{ price: 3001, quantity: null, orders: null }] },
        }),
      }),
    );
    c.send({ action: 'unsubscribe', symbol: 'TCS', exchange: 'NSE', mode: 3 });
    await arrives(() => expect(source.current.carried.has('NSE:TCS')).toBe(false));
    await arrives(() => expect(c.messages.find((m) => m.type === 'unsubscribe')).toMatchObject({ type: 'unsubscribe', status: 'success' }));
    expect(server.stats().topics).toBe(2);
  });

  it('releases every reference when the socket goes away, leaving other holders alone', async () => {
    const a = await authed();
    const b = await authed();
    a.send({
      action: 'subscribe',
      symbols: [
        { symbol: 'INFY', exchange: 'NSE' },
        { symbol: 'SBIN', exchange: 'NSE' },
      ],
      mode: 2,
    });
    b.send({ action: 'subscribe', symbol: 'INFY', exchange: 'NSE', mode: 2 });
    await arrives(() => expect(source.current.carried.size).toBe(2));
    a.socket.close();
    await arrives(() => expect(source.current.carried.has('NSE:SBIN')).toBe(false));
    expect(source.current.carried.has('NSE:INFY')).toBe(true);
    b.socket.terminate();
    await arrives(() => expect(server.stats()).toEqual({ clients: 0, topics: 0 }));
    await arrives(() => expect(source.live).toEqual([]));
  });

  it("sends order updates for the key's own connections only", async () => {
    const c = await authed();
    c.send({ action: 'subscribe_orders' });
    await arrives(() => expect(c.messages.at(-1)).toMatchObject({ type: 'subscribe_orders', status: 'success' }));
    const order = (connectionId: string, id: string): OrderView => ({
      id,
      clientOrderId: `bv-${id}`,
      mode: 'live',
      connectionId,
      broker: 'zerodha',
      symbol: 'NSE:INFY',
      side: 'BUY',
      quantity: 1,
      type: 'MARKET',
      limitPrice: null,
      stopPrice: null,
      product: null,
      state: 'FILLED',
      brokerOrderId: `B-${id}`,
      filledQuantity: 1,
      averagePrice: 1500,
      message: null,
      source: 'api',
      createdAt: 0,
      updatedAt: 0,
      parentId: null,
    });
    orders.fire(order(OTHER, 'o1'));
    orders.fire(order(CONN, 'o2'));
    await arrives(() => expect(c.messages.filter((m) => m.type === 'order_update')).toHaveLength(1));
    expect(c.messages.find((m) => m.type === 'order_update')).toMatchObject({ data: { orderid: 'B-o2', status: 'FILLED', action: 'BUY', mode: 'live' } });
  });

  it('stops serving a socket whose key is revoked', async () => {
    const c = await authed();
    revoked = true;
    const closed = new Promise<number>((resolve) => c.socket.once('close', (code) => resolve(code)));
    c.send({ action: 'subscribe', symbol: 'INFY', exchange: 'NSE', mode: 1 });
    expect(await closed).toBe(1008);
  });

  it('closes a socket that stops answering protocol pings (a dead peer), and releases what it held', async () => {
    await server.close();
    server = new WsServer({
      authenticate: () => caller,
      recheck: () => caller,
      streams,
      candidates: (c) => c.connectionIds.slice(),
      toCommon: async (_caller, symbol, exchange) => ({ common: `${exchange}:${symbol}` }),
      onOrder: orders.event,
      brokerOf: () => 'zerodha',
      record: () => undefined,
      hostNames: [],
      limits: { heartbeatMs: 100 },
      log: quietLogger,
      scheduler: timers,
    });
    port = await listenOnFreePort(server);
    // autoPong off: this client never answers pings, as a frozen or vanished peer would not.
    const socket = new WebSocket(`ws://127.0.0.1:${port}`, { autoPong: false });
    sockets.push(socket);
    let pings = 0;
    socket.on('ping', () => pings++);
    await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    socket.send(JSON.stringify({ action: 'authenticate', api_key: KEY }));
    socket.send(JSON.stringify({ action: 'subscribe', symbol: 'INFY', exchange: 'NSE', mode: 1 }));
    await arrives(() => expect(server.stats().topics).toBe(1));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // One heartbeat pings it; at the next, unanswered, it is closed.
    await timers.advance(100);
    await arrives(() => expect(pings).toBe(1));
    expect(socket.readyState).toBe(WebSocket.OPEN);
    await timers.advance(100);
    await closed;
    await arrives(() => expect(server.stats()).toEqual({ clients: 0, topics: 0 }));
    // A client that answers pings stays, heartbeat after heartbeat.
    const live = await authed();
    for (let beat = 1; beat <= 3; beat++) {
      await timers.advance(100);
      // Its pong has reached the server once the server answers a later message on the same socket.
      live.send([]);
      await arrives(() => expect(live.messages.filter((m) => m.type === 'error')).toHaveLength(beat));
    }
    expect(live.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('answers malformed messages without closing', async () => {
    const c = await authed();
    c.socket.send('{nope');
    c.send({ action: 'subscribe', symbol: 'INFY', exchange: 'NSE', mode: 9 });
    await arrives(() => expect(c.messages).toHaveLength(3));
    expect(c.messages[1]).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE' });
    expect(c.messages[2]).toMatchObject({ type: 'subscribe', status: 'error' });
  });
});
