import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { CASES, type RunningSim } from '../support/brokers-ipc/cases';
import { connect, makeWorld, nextWindow, type World } from '../support/brokers-ipc/journey';
import { LocalApiService } from '../../src/main/local-api/service';
import { onFreePorts } from '../support/ports';
import { ALL_VERBS } from '../../src/main/local-api/verbs';
import { arrives } from '../support/stream-steps';
import { systemScheduler } from '../../src/main/scheduler';
import { AppSettings } from '../../src/main/store/app-settings';
import type { StreamConsumer } from '../../src/main/streaming/connection-feed';

/**
 * The local API's WebSocket maps OpenAlgo symbols exactly as the verbs do (the key's data connection's dialect and
 * master): on a Zerodha connection, NIFTY on NSE_INDEX is the master's "NSE:NIFTY 50" and NIFTY27JAN26FUT on NFO is
 * Kite's "NFO:NIFTY26JANFUT". A placeholder `${exchange}:${symbol}` would subscribe to names no feed knows. Ticks go
 * back in the OpenAlgo symbol and exchange the client subscribed with. Also, over HTTP, the paper binding keys.ts gives a key.
 */

const zerodha = CASES.find((c) => c.id === 'zerodha')!;
let w: World;
let sim: RunningSim;
let connectionId: string;
let api: LocalApiService;
let wsPort: number;
const subscribed: { connectionId: string; consumer: StreamConsumer; symbols: readonly string[] }[] = [];

beforeAll(async () => {
  w = await makeWorld();
  sim = await zerodha.start(w.clock);
  connectionId = (await connect(w, zerodha, sim)).view.id;
  nextWindow(w);
  await w.g.ok('connections:validate', { id: connectionId });
  // The master is fetched on manual time once here; the WebSocket's mapping then reads it from the cache.
  nextWindow(w);
  await w.run(w.g.services.brokerCalls.call(connectionId, async (_a, c) => c.instruments, { needsInstruments: true }));
  const streams = w.g.services.market.streams;
  vi.spyOn(streams, 'subscribe').mockImplementation((id, consumer, symbols) => {
    subscribed.push({ connectionId: id, consumer, symbols });
    return { dispose: () => undefined };
  });
  vi.spyOn(streams, 'release').mockImplementation(() => undefined);
  const s = w.g.services;
  api = new LocalApiService({
    db: s.db,
    settings: new AppSettings(s.db),
    audit: s.audit,
    clock: w.clock,
    // Real timers for the API's own (heartbeat, sign-in limit): this test moves its manual clock for the brokers only.
    scheduler: systemScheduler(w.clock),
    log: s.log,
    services: { trading: s.trading, connections: s.connections, brokerCalls: s.brokerCalls, market: s.market, brokers: s.brokers, audit: s.audit, log: s.log },
    verbs: ALL_VERBS,
  });
  const started = api;
  wsPort = await onFreePorts(2, async ([restPort, ws]) => {
    const status = await started.configure({ enabled: true, restPort: restPort!, wsPort: ws! });
    if (status.rest.state === 'listening' && status.ws.state === 'listening') return ws!;
    await started.configure({ enabled: false, restPort: restPort!, wsPort: ws! });
    return null;
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
  w?.g.close();
  await sim?.close();
});

async function socketFor(secret: string) {
  const socket = new WebSocket(`ws://127.0.0.1:${wsPort}`);
  const messages: Record<string, any>[] = [];
  socket.on('message', (d) => messages.push(JSON.parse(d.toString()) as Record<string, any>));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ action: 'authenticate', api_key: secret }));
  await arrives(() => expect(messages[0]).toMatchObject({ type: 'auth', status: 'success', broker: 'zerodha' }));
  return { socket, messages };
}

it('subscribes an index and a future in the broker’s own names, and ticks come back in OpenAlgo’s', async () => {
  const { secret } = api.createKey('ws', { permission: 'read', paper: false, connectionIds: [connectionId] });
  const { socket, messages } = await socketFor(secret);
  socket.send(
    JSON.stringify({
      action: 'subscribe',
      mode: 'ltp',
      symbols: [
        { symbol: 'NIFTY', exchange: 'NSE_INDEX' },
        { symbol: 'NIFTY27JAN26FUT', exchange: 'NFO' },
      ],
    }),
  );
  await arrives(() => expect(messages.find((m) => m.type === 'subscribe')).toMatchObject({ status: 'success' }));
  expect(subscribed.map((s) => [s.connectionId, ...s.symbols])).toEqual([
    [connectionId, 'NSE:NIFTY 50'],
    [connectionId, 'NFO:NIFTY26JANFUT'],
  ]);

  const consumer = subscribed[0]!.consumer;
  consumer.onTick({ symbol: 'NSE:NIFTY 50', ltp: 23_456.5, ts: Date.UTC(2026, 0, 5, 4) });
  consumer.onTick({ symbol: 'NFO:NIFTY26JANFUT', ltp: 23_500, ts: Date.UTC(2026, 0, 5, 4) });
  await arrives(() => expect(messages.filter((m) => m.type === 'market_data')).toHaveLength(2));
  expect(messages.filter((m) => m.type === 'market_data')).toEqual([
    expect.objectContaining({ topic: 'NIFTY.NSE_INDEX', data: expect.objectContaining({ symbol: 'NIFTY', exchange: 'NSE_INDEX', ltp: 23_456.5 }) }),
    expect.objectContaining({
      topic: 'NIFTY27JAN26FUT.NFO',
      data: expect.objectContaining({ symbol: 'NIFTY27JAN26FUT', exchange: 'NFO', ltp: 23_500 }),
    }),
  ]);

  socket.send(JSON.stringify({ action: 'unsubscribe', mode: 'ltp', symbol: 'NIFTY', exchange: 'NSE_INDEX' }));
  await arrives(() => expect(messages.find((m) => m.type === 'unsubscribe')).toMatchObject({ status: 'success' }));
  socket.close();
  await arrives(() => expect(api.wsStats().clients).toBe(0));
});

it('refuses, in BrokerVault’s words, a symbol the connection’s dialect cannot trade, and subscribes nothing', async () => {
  const { secret } = api.createKey('ws2', { permission: 'read', paper: false, connectionIds: [connectionId] });
  const { socket, messages } = await socketFor(secret);
  const before = subscribed.length;
  socket.send(JSON.stringify({ action: 'subscribe', mode: 1, symbol: 'AAPL', exchange: 'NASDAQ' }));
  await arrives(() => expect(messages.find((m) => m.type === 'subscribe')).toBeDefined());
  expect(messages.find((m) => m.type === 'subscribe')).toMatchObject({
    status: 'error',
    subscriptions: [{ symbol: 'AAPL', exchange: 'NASDAQ', status: 'error', message: expect.stringContaining('Indian exchanges only') }],
  });
  expect(subscribed.length).toBe(before);
  socket.close();
});

it('over HTTP, a key created without the paper account is refused by the paper account; with it, it trades there', async () => {
  const rest = api.status().rest.port;
  const post = async (verb: string, body: Record<string, unknown>) => {
    const res = await fetch(`http://127.0.0.1:${rest}/api/v1/${verb}`, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const order = { symbol: 'INFY', exchange: 'NSE', action: 'BUY', quantity: 1, pricetype: 'MARKET', product: 'CNC' };
  const before = w.g.services.trading.orders.list({ limit: 500 }).length;
  const liveOnly = api.createKey('live only', { permission: 'trade', paper: false, connectionIds: [connectionId] }).secret;
  for (const [verb, body] of [
    ['placeorder', order],
    ['orderbook', {}],
    ['ping', {}],
  ] as const) {
    const reply = await post(verb, { apikey: liveOnly, ...body });
    expect(reply, verb).toMatchObject({ status: 403, body: { status: 'error', message: expect.stringContaining('not bound to the paper account') } });
  }
  expect(w.g.services.trading.orders.list({ limit: 500 }).length).toBe(before);
  const paper = api.createKey('paper', { permission: 'read', paper: true, connectionIds: [connectionId] }).secret;
  expect(await post('ping', { apikey: paper })).toMatchObject({ status: 200, body: { data: { broker: 'paper' } } });
  expect(await post('orderbook', { apikey: paper })).toMatchObject({ status: 200, body: { status: 'success' } });
});
