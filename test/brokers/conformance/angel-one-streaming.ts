import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { adapter } from '../../../src/main/brokers/angel-one/adapter';
import { ANGEL_ORDER_STREAM_URL, orderStreamUrl } from '../../../src/main/brokers/angel-one/order-stream';
import { ANGEL_STREAM_URL, streamUrl } from '../../../src/main/brokers/angel-one/stream';
import { priceAt } from '../../simulators/exchange';
import { AUTH_ERRORS, REQUEST_ERRORS } from '../../simulators/angel-one/smart-stream';
import { angelStreamRig, type AngelStreamRig } from '../../support/angel-one-stream';
import { arrives } from '../../support/stream-steps';
import { recordingConsumer } from '../../support/stream-steps';
import { brokerContext } from '../support';
import { behaviour } from './suite';

/** Runs `body` with a fresh simulator on a manual scheduler, and always closes it. */
async function withRig(body: (rig: AngelStreamRig) => Promise<void>, options: Parameters<typeof angelStreamRig>[0] = {}): Promise<void> {
  const rig = await angelStreamRig(options);
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

/** A raw client as an SDK opens it: what the upgrade answered (status and x-error-message), and the socket if open. */
function rawConnect(url: string, headers: Record<string, string> = {}): Promise<{ status: number; error?: string; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, error: res.headers['x-error-message'] as string | undefined });
      socket.terminate();
    });
    socket.on('open', () => resolve({ status: 101, socket }));
    socket.on('error', () => undefined);
  });
}

/** The next message on a raw socket, text or binary. */
function nextMessage(socket: WebSocket): Promise<{ text?: string; binary?: Buffer }> {
  return new Promise((resolve) => socket.once('message', (data, isBinary) => resolve(isBinary ? { binary: data as Buffer } : { text: String(data) })));
}

const subscribe = (mode: number, tokens: string[], action = 1) =>
  JSON.stringify({ correlationID: 'abcde12345', action, params: { mode, tokenList: [{ exchangeType: 1, tokens }] } });

/** The streaming section for Angel One: SmartStream 2.0 and the order-status socket against the simulator. */
export const angelOneStreamingCases = [
  behaviour('streaming', 'opens the real SmartStream and order-status hosts, and the simulator host when overridden', () => {
    const ctx = (baseUrl: string) => brokerContext({ baseUrl, environment: 'live', credentials: {}, clock: { now: () => 0 } as never });
    expect(streamUrl(ctx('https://apiconnect.angelone.in/'))).toBe(ANGEL_STREAM_URL);
    expect(ANGEL_STREAM_URL).toBe('wss://smartapisocket.angelone.in/smart-stream');
    expect(orderStreamUrl(ctx('https://apiconnect.angelone.in'))).toBe('wss://tns.angelone.in/smart-order-update');
    expect(orderStreamUrl(ctx('https://apiconnect.angelone.in'))).toBe(ANGEL_ORDER_STREAM_URL);
    expect(streamUrl(ctx('http://127.0.0.1:4100'))).toBe('ws://127.0.0.1:4100/smart-stream');
    expect(orderStreamUrl(ctx('https://proxy.example'))).toBe('wss://proxy.example/smart-order-update');
    expect(adapter.marketStream!.limits).toEqual({ instrumentsPerSocket: 1000, socketsPerAccount: 3 });
  }),
  behaviour('streaming', 'streams LTP and SnapQuote packets as ticks (quote and full ask for SnapQuote: bid/ask from the best five), and unsubscribes', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:SBIN'], 'ltp');
      stream.subscribe(['NSE:INFY'], 'quote');
      stream.subscribe(['NSE:TCS'], 'full');
      // The tokens on the wire are the scrip master's symboltokens, per mode, on nse_cm.
      // Angel's Quote packet (mode 2) carries no bid/ask, which the seam's quote mode promises: quote takes SnapQuote.
      await arrives(() => expect(rig.sim.smartStream.subscriptions()).toEqual(['1|1|3045', '3|1|11536', '3|1|1594']));
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol).sort()).toEqual(['NSE:INFY', 'NSE:SBIN', 'NSE:TCS']));
      const at = rig.clock.now();
      const bySymbol = new Map(ticks.map((t) => [t.symbol, t]));
      expect(bySymbol.get('NSE:SBIN')).toEqual({ symbol: 'NSE:SBIN', ltp: priceAt('NSE:SBIN', at), ts: at });
      const infy = priceAt('NSE:INFY', at);
      expect(bySymbol.get('NSE:INFY')).toEqual({
        symbol: 'NSE:INFY',
        ltp: infy,
        bid: expect.closeTo(infy - 0.05, 6) as number,
        ask: expect.closeTo(infy + 0.05, 6) as number,
        volume: expect.any(Number) as number,
        ts: at,
      });
      const tcs = priceAt('NSE:TCS', at);
      expect(bySymbol.get('NSE:TCS')).toEqual({
        symbol: 'NSE:TCS',
        ltp: tcs,
        bid: expect.closeTo(tcs - 0.05, 6) as number,
        ask: expect.closeTo(tcs + 0.05, 6) as number,
        volume: expect.any(Number) as number,
        ts: at,
      });

      // A mode change leaves the old token×mode and takes the new one.
      stream.subscribe(['NSE:SBIN'], 'full');
      stream.unsubscribe(['NSE:INFY', 'NSE:TCS']);
      await arrives(() => expect(rig.sim.smartStream.subscriptions()).toEqual(['3|1|3045']));
      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol)).toEqual(['NSE:SBIN']));
      expect(ticks[0]!.bid).toBeDefined();
      expect(problems).toEqual([]);
    }),
  ),
  behaviour('streaming', 'carries an F&O contract on nse_fo (exchange type 2) at its own tick size (₹0.10 for the NIFTY future)', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NFO:NIFTY27JAN26FUT'], 'ltp');
      await arrives(() => expect(rig.sim.smartStream.subscriptions()).toEqual(['1|2|35001']));
      await rig.tickUntil(1_000, () => expect(ticks).toHaveLength(1));
      const tenths = ticks[0]!.ltp * 10;
      expect(Math.abs(tenths - Math.round(tenths))).toBeLessThan(1e-9);
      expect(ticks[0]!.ltp).toBeCloseTo(Math.round(priceAt('NFO:NIFTY27JAN26FUT', rig.clock.now()) * 10) / 10, 6);
    }),
  ),
  behaviour('streaming', 'skips a symbol the scrip master lacks (counted as unsupported) instead of failing the socket', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:NOPE', 'NSE:SBIN'], 'ltp');
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol)).toEqual(['NSE:SBIN']));
      expect(problems).toEqual(['unsupported']);
      expect(statuses).toEqual([{ state: 'open' }]);
    }),
  ),
  behaviour('streaming', 'a dropped socket reconnects through the subscription manager and resubscribes', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('angel-1', panel, ['NSE:SBIN', 'NSE:RELIANCE'], 'quote');
      await arrives(() => expect(manager.status('angel-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['NSE:SBIN', 'NSE:RELIANCE'])));

      rig.sim.smartStream.dropAll();
      await arrives(() => expect(manager.status('angel-1')).toBe('reconnecting'));
      panel.ticks.length = 0;
      await rig.stepUntil(8_000, () => expect(manager.status('angel-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['NSE:SBIN', 'NSE:RELIANCE'])));
      expect(rig.sim.smartStream.connectionCount).toBe(1);
      expect(rig.sim.smartStream.subscriptions()).toEqual(['3|1|2885', '3|1|3045']);
      expect(manager.counters('angel-1')).toMatchObject({ drops: 1, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'a bounded soak of repeated drops: every one reconnects, resubscribes and streams, on one socket', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('angel-1', panel, ['NSE:SBIN', 'NSE:HDFCBANK'], 'full');
      await arrives(() => expect(manager.status('angel-1')).toBe('live'));
      for (let drop = 1; drop <= 5; drop++) {
        rig.sim.smartStream.dropAll();
        await arrives(() => expect(manager.status('angel-1')).toBe('reconnecting'));
        await rig.stepUntil(8_000, () => expect(manager.status('angel-1')).toBe('live'));
        panel.ticks.length = 0;
        await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['NSE:SBIN', 'NSE:HDFCBANK'])));
        expect(rig.sim.smartStream.connectionCount).toBe(1);
      }
      expect(rig.sim.smartStream.subscriptions()).toEqual(['3|1|1333', '3|1|3045']);
      expect(manager.counters('angel-1')).toMatchObject({ drops: 5, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'sends a text ping every 10 s (the server answers pong)', () =>
    withRig(async (rig) => {
      const { statuses } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      await rig.scheduler.advance(9_999);
      expect(rig.sim.smartStream.pingsReceived).toBe(0);
      await rig.tickUntil(1, () => expect(rig.sim.smartStream.pingsReceived).toBe(1));
      expect(statuses).toEqual([{ state: 'open' }]);
    }),
  ),
  behaviour('streaming', 'after the midnight token rollover the old session is refused (auth) and a re-login streams again', () =>
    withRig(async (rig) => {
      let session: Record<string, string> = { ...rig.sim.session };
      const manager = rig.manager(() => rig.ctx({ ...rig.sim.credentials, ...session }));
      const panel = recordingConsumer('panel');
      manager.subscribe('angel-1', panel, ['NSE:SBIN'], 'ltp');
      await arrives(() => expect(manager.status('angel-1')).toBe('live'));

      // Midnight IST: every token stops working and Angel ends the sockets.
      rig.sim.expireSessions();
      rig.sim.smartStream.dropAll();
      await arrives(() => expect(manager.status('angel-1')).not.toBe('live'));
      await rig.stepUntil(8_000, () => expect(manager.counters('angel-1')?.drops).toBeGreaterThanOrEqual(2));
      expect(rig.sim.smartStream.connectionCount).toBe(0);

      // The user logs in again: the manager sees the new session and reconnects with it.
      rig.clock.advance(1_100);
      session = (await adapter.login!(rig.ctx({ ...rig.sim.credentials }))).fields;
      manager.checkSessions();
      await rig.stepUntil(20_000, () => expect(manager.status('angel-1')).toBe('live'));
      panel.ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(panel.ticks.map((t) => t.symbol)).toContain('NSE:SBIN'));
    }),
  ),
  behaviour('streaming', 'a wrong JWT, feed token, API key or client code closes the stream with reason auth and echoes no secret', () =>
    withRig(async (rig) => {
      const canary = 'CANARY5521ANGEL';
      const good: Record<string, string> = { ...rig.sim.credentials, ...rig.sim.session };
      const wrongs: Record<string, string>[] = [
        { jwtToken: `${canary}.x.y` },
        { feedToken: `${canary}.feed` },
        { api_key: `${canary}key` },
        { clientcode: `${canary}C1` },
        { feedToken: '' },
      ];
      const seen: unknown[] = [];
      for (const wrong of wrongs) {
        const { ticks, statuses, problems } = rig.open(rig.ctx({ ...good, ...wrong }));
        await arrives(() => expect(statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
        expect(ticks).toEqual([]);
        seen.push(statuses, problems);
      }
      expect(rig.sim.smartStream.connectionCount).toBe(0);
      expect(JSON.stringify(seen)).not.toContain(canary);
      // The simulator answers each with Angel's own x-error-message.
      const headers = (over: Record<string, string>) => ({
        Authorization: good.jwtToken!,
        'x-api-key': good.api_key!,
        'x-client-code': good.clientcode!,
        'x-feed-token': good.feedToken!,
        ...over,
      });
      expect(await rawConnect(rig.sim.streamUrl, headers({ Authorization: 'nope' }))).toEqual({ status: 401, error: AUTH_ERRORS.jwt });
      expect(await rawConnect(rig.sim.streamUrl, headers({ 'x-api-key': 'nope' }))).toEqual({ status: 401, error: AUTH_ERRORS.apiKey });
      expect(await rawConnect(rig.sim.streamUrl, headers({ 'x-client-code': 'S000000' }))).toEqual({ status: 401, error: AUTH_ERRORS.clientCode });
      expect(await rawConnect(rig.sim.streamUrl, headers({ 'x-feed-token': 'nope' }))).toEqual({ status: 401, error: AUTH_ERRORS.feedToken });
    }),
  ),
  behaviour('streaming', 'a fourth socket per client code is refused (429), and subscriptions past the quota (E1002) too', () =>
    withRig(
      async (rig) => {
        const open = [rig.open(), rig.open(), rig.open()];
        for (const o of open) await arrives(() => expect(o.statuses).toEqual([{ state: 'open' }]));
        const fourth = rig.open();
        await arrives(() => expect(fourth.statuses).toEqual([{ state: 'closed', reason: 'refused' }]));
        const first = open[0]!;
        first.stream.subscribe(['NSE:SBIN', 'NSE:INFY'], 'ltp');
        first.stream.subscribe(['NSE:TCS'], 'full');
        await arrives(() => expect(first.statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'refused' }]));
        // The other sockets are untouched.
        expect(open[1]!.statuses).toEqual([{ state: 'open' }]);
      },
      { subscriptionLimit: 2 },
    ),
  ),
  behaviour('streaming', 'the simulator keeps Angel’s wire: header or query auth, Bearer or bare JWT, ping/pong, packet sizes, E1001/E1002', () =>
    withRig(async (rig) => {
      // What `npm run sim -- angel-one` prints: both sockets on the REST port, at Angel's paths.
      expect(rig.sim.streamUrl).toBe(`ws://127.0.0.1:${rig.sim.port}/smart-stream`);
      expect(rig.sim.orderStreamUrl).toBe(`ws://127.0.0.1:${rig.sim.port}/smart-order-update`);
      expect(streamUrl(rig.ctx())).toBe(rig.sim.streamUrl);
      expect(orderStreamUrl(rig.ctx())).toBe(rig.sim.orderStreamUrl);
      const s: Record<string, string> = { ...rig.sim.credentials, ...rig.sim.session };
      // Python SDK (stored version): only the client code and the feed token. Closed again: 3 sockets per client code.
      const python = await rawConnect(rig.sim.streamUrl, { 'x-client-code': s.clientcode!, 'x-feed-token': s.feedToken! });
      expect(python.status).toBe(101);
      python.socket!.terminate();
      await arrives(() => expect(rig.sim.smartStream.connectionCount).toBe(0));
      // JS SDK: bare JWT and the three x-* headers.
      const js = await rawConnect(rig.sim.streamUrl, {
        Authorization: s.jwtToken!,
        'x-api-key': s.api_key!,
        'x-client-code': s.clientcode!,
        'x-feed-token': s.feedToken!,
      });
      // Docs: "Bearer <JWT>". Browser: the query form.
      const bearer = await rawConnect(rig.sim.streamUrl, {
        Authorization: `Bearer ${s.jwtToken!}`,
        'x-api-key': s.api_key!,
        'x-client-code': s.clientcode!,
        'x-feed-token': s.feedToken!,
      });
      const query = await rawConnect(`${rig.sim.streamUrl}?clientCode=${s.clientcode!}&feedToken=${s.feedToken!}&apiKey=${s.api_key!}`);
      expect([js.status, bearer.status, query.status]).toEqual([101, 101, 101]);
      const socket = js.socket!;
      try {
        const pong = nextMessage(socket);
        socket.send('ping');
        expect(await pong).toEqual({ text: 'pong' });
        // The Python SDK pings with a WebSocket ping frame: answered with a pong frame.
        const frame = new Promise<string>((resolve) => socket.once('pong', (data) => resolve(String(data))));
        socket.ping('ping');
        expect(await frame).toBe('ping');

        const bad = nextMessage(socket);
        socket.send('{"action":1,"params":{"mode":9,"tokenList":[]}}');
        expect(JSON.parse((await bad).text!)).toEqual({ correlationID: '', errorCode: 'E1001', errorMessage: REQUEST_ERRORS.E1001 });
        const tooMany = nextMessage(socket);
        socket.send(
          subscribe(
            1,
            Array.from({ length: 1001 }, (_, i) => String(100_000 + i)),
          ),
        );
        expect(JSON.parse((await tooMany).text!)).toMatchObject({ correlationID: 'abcde12345', errorCode: 'E1002', errorMessage: REQUEST_ERRORS.E1002 });

        const sizes: number[] = [];
        socket.on('message', (data, isBinary) => {
          if (isBinary) sizes.push((data as Buffer).length);
        });
        socket.send(subscribe(1, ['3045']));
        socket.send(subscribe(2, ['3045']));
        socket.send(subscribe(3, ['3045']));
        await arrives(() => expect(rig.sim.smartStream.subscriptions()).toHaveLength(3));
        await rig.tickUntil(1_000, () => expect(sizes.sort((a, b) => a - b)).toEqual([51, 123, 379]));
      } finally {
        for (const c of [js, bearer, query]) c.socket?.terminate();
      }
    }),
  ),
  behaviour('streaming', 'survives malformed, truncated and unknown frames and request errors, counting them', async () => {
    // A scripted server: the simulator only sends well-formed frames, so this one sends the bad ones.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const good = Buffer.alloc(51);
    good.writeUInt8(1, 0);
    good.writeUInt8(1, 1);
    good.write('3045', 2, 'latin1');
    good.writeBigInt64LE(7n, 27);
    good.writeBigInt64LE(BigInt(Date.UTC(2026, 0, 5, 4)), 35);
    good.writeBigInt64LE(81_235n, 43);
    const older = Buffer.from(good);
    older.writeBigInt64LE(BigInt(Date.UTC(2026, 0, 5, 3)), 35);
    server.on('connection', (socket) => {
      socket.on('message', (data) => {
        if (String(data) === 'ping') return;
        for (const frame of ['{not json', '"text"', '{"hello":1}', '{"correlationID":"x","errorCode":"E1001","errorMessage":"Invalid Request Payload."}'])
          socket.send(frame);
        socket.send(good.subarray(0, 50)); // truncated LTP
        socket.send(Buffer.from([3, 1, 0x33])); // truncated SnapQuote
        socket.send(Buffer.from([4, 1])); // depth mode: not decoded
        socket.send(Buffer.alloc(0));
        socket.send(good);
        socket.send(older); // an older exchange time than a tick already delivered
      });
    });
    try {
      const { port } = server.address() as AddressInfo;
      const instruments = [
        { symbol: 'NSE:SBIN', exchange: 'NSE', brokerSymbol: 'SBIN-EQ', token: '3045', name: 'SBIN', lotSize: 1, tickSize: 0.05, segment: 'EQ' },
      ];
      const ctx = brokerContext({
        baseUrl: `http://127.0.0.1:${port}`,
        environment: 'live',
        credentials: { api_key: 'k', clientcode: 'C1', jwtToken: 'j', feedToken: 'f' },
        clock: { now: () => 0 } as never,
        instruments,
      });
      const ticks: unknown[] = [];
      const statuses: unknown[] = [];
      const problems: string[] = [];
      const stream = adapter.marketStream!.open(ctx, {
        onTick: (t) => ticks.push(t),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      });
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:SBIN'], 'ltp');
      await arrives(() => expect(problems).toHaveLength(9));
      expect(ticks).toEqual([{ symbol: 'NSE:SBIN', ltp: 812.35, ts: Date.UTC(2026, 0, 5, 4) }]);
      expect(problems.sort()).toEqual(['error', 'malformed', 'malformed', 'malformed', 'malformed', 'malformed', 'out-of-order', 'unknown', 'unknown']);
      expect(statuses).toEqual([{ state: 'open' }]);
      stream.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }),
  behaviour('streaming', 'a feed that stops answering (no packets, no pong) is closed as dropped after 20 s of silence', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:SBIN'], 'ltp');
      await rig.tickUntil(1_000, () => expect(ticks).toHaveLength(1));
      rig.sim.smartStream.setSilent(true);
      await rig.scheduler.advance(19_000);
      expect(statuses).toEqual([{ state: 'open' }]);
      await rig.tickUntil(1_000, () => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]));
      await arrives(() => expect(rig.sim.smartStream.connectionCount).toBe(0));
    }),
  ),
  behaviour(['streaming', 'orders'], 'orders placed, cancelled and filled over REST arrive on the order-status socket', () =>
    withRig(async (rig) => {
      const { orders, statuses, problems } = rig.openOrders();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      const ctx = rig.ctx();
      const far = Math.round(priceAt('NSE:INFY', rig.clock.now()) * 0.5);
      const limit = await adapter.placeOrder(ctx, { symbol: 'NSE:INFY', side: 'BUY', quantity: 2, type: 'LIMIT', limitPrice: far, clientOrderId: 'stream-1' });
      await arrives(() => expect(orders).toEqual([{ brokerOrderId: limit.brokerOrderId, state: 'OPEN', filledQuantity: 0, ts: rig.clock.now() }]));
      rig.clock.advance(1_100);
      await adapter.cancelOrder(ctx, limit.brokerOrderId);
      await arrives(() => expect(orders.at(-1)).toMatchObject({ brokerOrderId: limit.brokerOrderId, state: 'CANCELLED' }));

      rig.clock.advance(1_100);
      const market = await adapter.placeOrder(ctx, { symbol: 'NSE:SBIN', side: 'BUY', quantity: 3, type: 'MARKET', clientOrderId: 'stream-2' });
      const price = priceAt('NSE:SBIN', rig.clock.now());
      await arrives(() =>
        expect(orders.filter((o) => o.brokerOrderId === market.brokerOrderId).map((o) => [o.state, o.filledQuantity, o.averagePrice])).toEqual([
          ['OPEN', 0, undefined],
          ['FILLED', 3, price],
        ]),
      );
      expect(problems).toEqual([]);
    }),
  ),
  behaviour(['streaming', 'orders'], 'the order-status socket: 401 for a wrong JWT, 403 once expired (both auth), 429 for a fourth socket', () =>
    withRig(async (rig) => {
      const good: Record<string, string> = { ...rig.sim.credentials, ...rig.sim.session };
      const wrong = rig.openOrders(rig.ctx({ ...good, jwtToken: 'CANARY8812.x.y' }));
      await arrives(() => expect(wrong.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      expect(JSON.stringify([wrong.statuses, wrong.problems, wrong.orders])).not.toContain('CANARY8812');
      expect((await rawConnect(rig.sim.orderStreamUrl, { Authorization: 'Bearer nope' })).status).toBe(401);

      const three = [rig.openOrders(), rig.openOrders(), rig.openOrders()];
      for (const o of three) await arrives(() => expect(o.statuses).toEqual([{ state: 'open' }]));
      const fourth = rig.openOrders();
      await arrives(() => expect(fourth.statuses).toEqual([{ state: 'closed', reason: 'refused' }]));

      rig.sim.expireSessions();
      expect((await rawConnect(rig.sim.orderStreamUrl, { Authorization: `Bearer ${good.jwtToken!}` })).status).toBe(403);
      for (const o of three) o.stream.close();
      await arrives(() => expect(rig.sim.orderStream.connectionCount).toBe(0));
      const expired = rig.openOrders();
      await arrives(() => expect(expired.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
    }),
  ),
  behaviour(['streaming', 'orders'], 'order-status messages map every AB code, and bad ones are counted and survived', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const msg = (code: string, orderData: Record<string, unknown>) =>
      JSON.stringify({ 'user-id': 'C1', 'status-code': '200', 'order-status': code, 'error-message': '', orderData });
    server.on('connection', (socket) => {
      socket.send(msg('AB00', {}));
      socket.send('{oops');
      socket.send(msg('AB99', { orderid: '1' }));
      socket.send(msg('AB01', {}));
      socket.send(msg('AB03', { orderid: '11', status: 'rejected', text: 'RMS: margin exceeds', updatetime: '05-Jan-2026 09:30:01' }));
      socket.send(msg('AB05', { orderid: '12', status: 'complete', filledshares: '5', averageprice: 101.5 }));
      socket.send(msg('AB10', { orderid: '13' })); // no status text: the code decides
      socket.send(msg('AB06', { orderid: '14', status: 'after market order req received' }));
      socket.send(msg('AB07', { orderid: '15' }));
      socket.send('pong');
    });
    try {
      const { port } = server.address() as AddressInfo;
      const ctx = brokerContext({
        baseUrl: `http://127.0.0.1:${port}`,
        environment: 'live',
        credentials: { jwtToken: 'j' },
        clock: { now: () => 42 } as never,
      });
      const updates: unknown[] = [];
      const problems: string[] = [];
      const statuses: unknown[] = [];
      const stream = adapter.orderStream!.open(ctx, { onOrder: (o) => updates.push(o), onStatus: (s) => statuses.push(s), onProblem: (p) => problems.push(p) });
      await arrives(() => expect(updates).toHaveLength(5));
      expect(updates).toEqual([
        { brokerOrderId: '11', state: 'REJECTED', filledQuantity: 0, message: 'RMS: margin exceeds', ts: Date.UTC(2026, 0, 5, 4, 0, 1) },
        { brokerOrderId: '12', state: 'FILLED', filledQuantity: 5, averagePrice: 101.5, ts: 42 },
        { brokerOrderId: '13', state: 'OPEN', filledQuantity: 0, ts: 42 },
        { brokerOrderId: '14', state: 'PENDING', filledQuantity: 0, ts: 42 },
        { brokerOrderId: '15', state: 'CANCELLED', filledQuantity: 0, ts: 42 },
      ]);
      expect(problems.sort()).toEqual(['malformed', 'malformed', 'unknown']);
      expect(statuses).toEqual([{ state: 'open' }]);
      stream.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }),
];
