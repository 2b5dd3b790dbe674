import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFullEvent, parsePartialEvent } from '../../src/main/brokers/xts/stream-parse';
import { ManualClock } from '../../src/main/clock';
import { priceAt } from '../simulators/exchange';
import { start, type XtsSimulatorHandle } from '../simulators/xts';
import { arrives } from '../support/stream-steps';
import { ManualScheduler } from '../support/manual-scheduler';

/**
 * The XTS simulator's sockets as Symphony's own SDKs open them: socket.io-client with its default transports (long-polling
 * first, then the upgrade), no reconnection, the token in the query. (The SDKs' socket.io-client 2.x speaks EIO 3, which
 * the simulator accepts through allowEIO3; this client speaks EIO 4 over the same paths.)
 */
describe('XTS simulator sockets', () => {
  let sim: XtsSimulatorHandle;
  const sockets: Socket[] = [];
  const connect = (path: string, query: Record<string, string>) => {
    const socket = io(sim.baseUrl, { path, query, reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  };

  beforeEach(async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 5, 0, 0));
    sim = await start({ clock, scheduler: new ManualScheduler(clock) });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await sim.close();
  });

  const subscribe = (method: 'POST' | 'PUT', code: number, token = sim.session.marketDataToken!) =>
    fetch(`${sim.streamUrl}/instruments/subscription`, {
      method,
      headers: { authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify({ instruments: [{ exchangeSegment: 1, exchangeInstrumentID: 3045 }], xtsMessageCode: code }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { type: string; code: string; result: { listQuotes?: string[] } } }));

  it('joins over long-polling at <root>/socket.io and sends partial key:value events in broadcastMode Partial', async () => {
    const events: [string, unknown][] = [];
    const socket = connect('/apimarketdata/socket.io', {
      token: sim.session.marketDataToken!,
      userID: 'XT4821',
      publishFormat: 'JSON',
      broadcastMode: 'Partial',
    });
    socket.onAny((event: string, data: unknown) => events.push([event, data]));
    await arrives(() => expect(events.map(([e]) => e)).toEqual(['joined']));

    const first = await subscribe('POST', 1501);
    expect(first.status).toBe(200);
    expect(parseFullEvent(first.body.result.listQuotes![0])).toMatchObject({
      key: '1_3045',
      messageCode: 1501,
      ltp: priceAt('NSE:SBIN', Date.UTC(2026, 0, 5, 5)),
    });
    const repeat = await subscribe('POST', 1501);
    expect(repeat).toMatchObject({ status: 400, body: { type: 'error', code: 'e-session-0002' } });

    sim.dataStream.publish();
    await arrives(() => expect(events.map(([e]) => e)).toEqual(['joined', '1501-json-partial']));
    expect(parsePartialEvent(events[1]![1], 1501)).toMatchObject({ key: '1_3045', ltp: priceAt('NSE:SBIN', Date.UTC(2026, 0, 5, 5)) });

    expect((await subscribe('PUT', 1501)).status).toBe(200);
    expect(sim.dataStream.subscribedCount(sim.session.marketDataToken!)).toBe(0);
  });

  it('refuses a wrong token at the handshake with Invalid Token, on both sockets', async () => {
    const errors: { message: string; data?: unknown }[] = [];
    connect('/apimarketdata/socket.io', { token: 'wrong', userID: 'XT4821', publishFormat: 'JSON', broadcastMode: 'Full' }).on('connect_error', (e) =>
      errors.push(e as never),
    );
    connect('/interactive/socket.io', { token: 'wrong', userID: 'XT4821', apiType: 'INTERACTIVE' }).on('connect_error', (e) => errors.push(e as never));
    await arrives(() => expect(errors).toHaveLength(2));
    for (const e of errors) expect(e).toMatchObject({ message: 'Invalid Token', data: { code: 'e-session-0007', description: 'Invalid Token' } });
    expect(sim.dataStream.connectionCount + sim.orderStream.connectionCount).toBe(0);
  });

  it('pushes an order placed over REST to the interactive socket as New, then Filled', async () => {
    const orders: unknown[] = [];
    const socket = connect('/interactive/socket.io', { token: sim.session.interactiveToken!, userID: 'XT4821', apiType: 'INTERACTIVE' });
    const joined = new Promise((resolve) => socket.on('joined', resolve));
    socket.on('order', (o: unknown) => orders.push(o));
    await joined;
    const placed = await fetch(`${sim.baseUrl}/interactive/orders`, {
      method: 'POST',
      headers: { authorization: sim.session.interactiveToken!, 'content-type': 'application/json' },
      body: JSON.stringify({
        exchangeSegment: 'NSECM',
        exchangeInstrumentID: 3045,
        productType: 'CNC',
        orderType: 'MARKET',
        orderSide: 'BUY',
        timeInForce: 'DAY',
        disclosedQuantity: 0,
        orderQuantity: 1,
        limitPrice: 0,
        stopPrice: 0,
        orderUniqueIdentifier: 'sim-1',
      }),
    });
    expect(placed.status).toBe(200);
    await arrives(() => expect(orders).toHaveLength(2));
    expect(orders.map((o) => (JSON.parse(o as string) as { OrderStatus: string }).OrderStatus)).toEqual(['New', 'Filled']);
  });
});
