import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { decodeFrame } from '../../../src/main/brokers/zerodha/ticker-packets';
import { adapter } from '../../../src/main/brokers/zerodha/adapter';
import { KITE_TICKER_ROOT, tickerRoot } from '../../../src/main/brokers/zerodha/ticker-socket';
import type { Instrument } from '../../../src/main/brokers/types';
import { brokerContext } from '../support';
import { zerodhaStreamRig, type ZerodhaStreamRig } from '../../support/zerodha-stream';
import { arrives } from '../../support/stream-steps';
import { recordingConsumer } from '../../support/stream-steps';
import { priceAt } from '../../simulators/exchange';
import { encodeMessage, encodePacket } from '../../simulators/zerodha/ticker-wire';
import { behaviour } from './suite';

/** Runs `body` with a fresh simulator on a manual scheduler, and always closes it. */
async function withRig(body: (rig: ZerodhaStreamRig) => Promise<void>, options: { instrumentLimit?: number } = {}): Promise<void> {
  const rig = await zerodhaStreamRig(options);
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

const seconds = (ms: number) => Math.floor(ms / 1000) * 1000;

/** The streaming section for Zerodha: Kite Ticker sockets (market data and order postbacks) against the simulator's `/`. */
export const zerodhaStreamingCases = [
  behaviour('streaming', 'opens wss://ws.kite.trade/ for the real API host and the override origin otherwise; declares 3000/3', () => {
    const ctx = (baseUrl: string) => brokerContext({ baseUrl, environment: 'live', credentials: {}, clock: { now: () => 0 } as never });
    expect(tickerRoot(ctx('https://api.kite.trade'))).toBe(KITE_TICKER_ROOT);
    expect(tickerRoot(ctx('https://api.kite.trade/'))).toBe('wss://ws.kite.trade/');
    expect(tickerRoot(ctx('http://127.0.0.1:4100'))).toBe('ws://127.0.0.1:4100/');
    expect(tickerRoot(ctx('https://proxy.example/kite/'))).toBe('wss://proxy.example/kite/');
    expect(adapter.marketStream!.limits).toEqual({ instrumentsPerSocket: 3_000, socketsPerAccount: 3 });
    expect(adapter.orderStream).toBeDefined();
  }),
  behaviour('streaming', 'subscribes in ltp, quote and full mode (an index and a currency future too), and unsubscribes', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:INFY', 'NSE:NIFTY 50'], 'ltp');
      stream.subscribe(['NSE:SBIN'], 'quote');
      stream.subscribe(['NSE:RELIANCE', 'BCD:USDINR26JANFUT'], 'full');
      await arrives(() =>
        expect(rig.sim.ticker.subscriptions()).toEqual([
          new Map([
            [408065, 'ltp'],
            [256265, 'ltp'],
            [779521, 'quote'],
            [738561, 'full'],
            [733446, 'full'],
          ]),
        ]),
      );
      await rig.tickUntil(1_000, () => expect(ticks.length).toBe(5));
      const at = rig.clock.now();
      const bySymbol = Object.fromEntries(ticks.map((t) => [t.symbol, t]));
      expect(bySymbol['NSE:INFY']).toEqual({ symbol: 'NSE:INFY', ltp: priceAt('NSE:INFY', at), ts: at });
      expect(bySymbol['NSE:NIFTY 50']).toEqual({ symbol: 'NSE:NIFTY 50', ltp: priceAt('NSE:NIFTY 50', at), ts: at });
      expect(bySymbol['NSE:SBIN']).toEqual({ symbol: 'NSE:SBIN', ltp: priceAt('NSE:SBIN', at), volume: expect.any(Number), ts: at });
      const reliance = priceAt('NSE:RELIANCE', at);
      // Full mode: bid and ask from the depth (one tick either side), the exchange's time in whole seconds.
      expect(bySymbol['NSE:RELIANCE']).toEqual({
        symbol: 'NSE:RELIANCE',
        ltp: reliance,
        volume: expect.any(Number),
        bid: expect.closeTo(reliance - 0.05, 6),
        ask: expect.closeTo(reliance + 0.05, 6),
        ts: seconds(at),
      });
      // BSE currency: prices ÷10 000, depth one 0.0025 tick apart.
      const usdinr = bySymbol['BCD:USDINR26JANFUT']!;
      expect(usdinr.ltp).toBeCloseTo(priceAt('BCD:USDINR26JANFUT', at), 4);
      expect(usdinr.bid).toBeCloseTo(usdinr.ltp - 0.0025, 4);

      // Up to full, down to ltp: the mode follows; unsubscribe stops the symbol.
      stream.subscribe(['NSE:SBIN'], 'full');
      stream.subscribe(['NSE:RELIANCE'], 'ltp');
      stream.unsubscribe(['NSE:INFY', 'NSE:NIFTY 50', 'BCD:USDINR26JANFUT']);
      await arrives(() =>
        expect(rig.sim.ticker.subscriptions()).toEqual([
          new Map([
            [779521, 'full'],
            [738561, 'ltp'],
          ]),
        ]),
      );
      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol).sort()).toEqual(['NSE:RELIANCE', 'NSE:SBIN']));
      expect(ticks.find((t) => t.symbol === 'NSE:SBIN')).toHaveProperty('bid');
      expect(ticks.find((t) => t.symbol === 'NSE:RELIANCE')).not.toHaveProperty('bid');
      expect(problems).toEqual([]);
      expect(statuses).toEqual([{ state: 'open' }]);
    }),
  ),
  behaviour('streaming', 'skips (and counts) a symbol the instrument master has no token for, and keeps streaming the rest', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:NOSUCHSCRIP', 'NSE:TCS'], 'ltp');
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol)).toEqual(['NSE:TCS']));
      expect(problems).toEqual(['unsupported']);
      expect(stream.counters.unsupported).toBe(1);
    }),
  ),
  behaviour('streaming', 'sends a one-byte heartbeat while nothing is subscribed, which keeps the 5 s watchdog quiet', () =>
    withRig(async (rig) => {
      const { stream, statuses, ticks } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      for (let i = 0; i < 12; i++) await rig.tickUntil(1_000, () => expect(statuses).toEqual([{ state: 'open' }]));
      expect(ticks).toEqual([]);
      expect(stream.counters).toEqual({ malformed: 0, unknown: 0, errors: 0, unsupported: 0, outOfOrder: 0 });
    }),
  ),
  behaviour('streaming', 'a server that stops sending anything is closed as dropped once the watchdog passes 5 s', () =>
    withRig(async (rig) => {
      const { statuses } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      await rig.tickUntil(1_000, () => expect(rig.sim.ticker.connectionCount).toBe(1));
      rig.sim.ticker.muted = true;
      await rig.tickUntil(4_000, () => expect(statuses).toEqual([{ state: 'open' }]));
      await rig.stepUntil(2_000, () => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]));
      await arrives(() => expect(rig.sim.ticker.connectionCount).toBe(0));
    }),
  ),
  behaviour('streaming', 'a dropped socket reconnects through the subscription manager and resubscribes in the same modes', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('zerodha-1', panel, ['NSE:INFY', 'NSE:SBIN'], 'full');
      await arrives(() => expect(manager.status('zerodha-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['NSE:INFY', 'NSE:SBIN'])));

      rig.sim.ticker.dropAll();
      await arrives(() => expect(manager.status('zerodha-1')).toBe('reconnecting'));
      panel.ticks.length = 0;
      await rig.stepUntil(8_000, () => expect(manager.status('zerodha-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['NSE:INFY', 'NSE:SBIN'])));
      expect(panel.ticks.every((t) => t.bid !== undefined)).toBe(true);
      expect(rig.sim.ticker.connectionCount).toBe(1);
      expect(rig.sim.ticker.subscriptions()).toEqual([
        new Map([
          [408065, 'full'],
          [779521, 'full'],
        ]),
      ]);
      expect(manager.counters('zerodha-1')).toMatchObject({ drops: 1, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'consumers share one socket through the manager: the strongest mode is sent, and released symbols leave', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const watchlist = recordingConsumer('watchlist');
      const depth = recordingConsumer('depth');
      manager.subscribe('zerodha-1', watchlist, ['NSE:INFY', 'NSE:TCS'], 'ltp');
      const held = manager.subscribe('zerodha-1', depth, ['NSE:INFY'], 'full');
      await arrives(() => expect(manager.status('zerodha-1')).toBe('live'));
      await arrives(() =>
        expect(rig.sim.ticker.subscriptions()).toEqual([
          new Map([
            [408065, 'full'],
            [2953217, 'ltp'],
          ]),
        ]),
      );
      await rig.tickUntil(1_000, () => expect(depth.ticks.map((t) => t.symbol)).toEqual(['NSE:INFY']));
      expect(depth.ticks[0]).toHaveProperty('bid');
      // The depth panel closes: INFY drops back to what the watchlist needs, on the same socket.
      held.dispose();
      await arrives(() =>
        expect(rig.sim.ticker.subscriptions()).toEqual([
          new Map([
            [408065, 'ltp'],
            [2953217, 'ltp'],
          ]),
        ]),
      );
      expect(rig.sim.ticker.connectionCount).toBe(1);
    }),
  ),
  behaviour('streaming', 'a bounded soak of repeated drops: every drop reconnects to one socket with the same subscriptions', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('zerodha-1', panel, ['NSE:INFY'], 'ltp');
      manager.subscribe('zerodha-1', recordingConsumer('chart'), ['NSE:SBIN'], 'full');
      await arrives(() => expect(manager.status('zerodha-1')).toBe('live'));
      for (let drop = 1; drop <= 5; drop++) {
        rig.sim.ticker.dropAll();
        await arrives(() => expect(manager.status('zerodha-1')).toBe('reconnecting'));
        await rig.stepUntil(8_000, () => expect(manager.status('zerodha-1')).toBe('live'));
        panel.ticks.length = 0;
        await rig.tickUntil(1_000, () => expect(panel.ticks.map((t) => t.symbol)).toEqual(['NSE:INFY']));
        expect(rig.sim.ticker.connectionCount).toBe(1);
      }
      expect(rig.sim.ticker.subscriptions()).toEqual([
        new Map([
          [408065, 'ltp'],
          [779521, 'full'],
        ]),
      ]);
      expect(manager.counters('zerodha-1')).toMatchObject({ drops: 5, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'a wrong or expired token is refused at the upgrade (403): closed with reason auth, no secret echoed', () =>
    withRig(async (rig) => {
      const canary = 'tokCANARY5521zz';
      const wrong = rig.open(rig.ctx({ ...rig.credentials, access_token: canary }));
      await arrives(() => expect(wrong.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      const noToken = rig.open(rig.ctx({ api_key: rig.credentials.api_key! }));
      await rig.stepUntil(500, () => expect(noToken.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      expect(rig.sim.ticker.connectionCount).toBe(0);
      const reported = [wrong, noToken].map(({ ticks, statuses, problems, stream }) => ({ ticks, statuses, problems, counters: stream.counters }));
      expect(JSON.stringify(reported)).not.toContain('CANARY5521');
    }),
  ),
  behaviour('streaming', 'after the daily token rollover the old token is refused, and the manager reopens with the new session', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('zerodha-1', panel, ['NSE:TCS'], 'ltp');
      await arrives(() => expect(manager.status('zerodha-1')).toBe('live'));
      // 06:00 IST: every token dies; Kite's sockets drop and the old token no longer opens one.
      rig.sim.expireSessions();
      rig.sim.ticker.dropAll();
      await rig.stepUntil(4_000, () => expect(manager.counters('zerodha-1')?.drops ?? 0).toBeGreaterThanOrEqual(2));
      expect(manager.status('zerodha-1')).not.toBe('live');
      const stale = rig.open();
      await arrives(() => expect(stale.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      // The trader logs in again: the connection's session changes and the manager reopens at once.
      Object.assign(rig.credentials, rig.sim.newSession());
      manager.sessionChanged('zerodha-1');
      await arrives(() => expect(manager.status('zerodha-1')).toBe('live'));
      panel.ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(panel.ticks.map((t) => t.symbol)).toEqual(['NSE:TCS']));
    }),
  ),
  behaviour('streaming', 'allows 3 sockets per api_key and refuses a fourth (429 at the upgrade → refused)', () =>
    withRig(async (rig) => {
      const sockets = [rig.open(), rig.open(), rig.open()];
      await arrives(() => expect(sockets.map((s) => s.statuses)).toEqual([[{ state: 'open' }], [{ state: 'open' }], [{ state: 'open' }]]));
      const fourth = rig.open();
      await arrives(() => expect(fourth.statuses).toEqual([{ state: 'closed', reason: 'refused' }]));
      expect(rig.sim.ticker.connectionCount).toBe(3);
      sockets[0]!.stream.close();
      await arrives(() => expect(rig.sim.ticker.connectionCount).toBe(2));
      const again = rig.open();
      await arrives(() => expect(again.statuses).toEqual([{ state: 'open' }]));
    }),
  ),
  behaviour('streaming', 'past the instruments-per-socket limit the simulator refuses the new tokens with an error notice, counted', () =>
    withRig(
      async (rig) => {
        // A master of 5 instruments on a simulator limited to 4, so the test need not build 3001 rows.
        const instruments: Instrument[] = [408065, 779521, 738561, 2953217, 256265].map((token, i) => ({
          symbol: `NSE:S${i}`,
          exchange: 'NSE',
          brokerSymbol: `S${i}`,
          token: String(token),
          name: `S${i}`,
          lotSize: 1,
          tickSize: 0.05,
          segment: 'NSE',
        }));
        const { stream, ticks, statuses, problems } = rig.open(rig.ctx(undefined, instruments));
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        stream.subscribe(['NSE:S0', 'NSE:S1', 'NSE:S2', 'NSE:S3'], 'ltp');
        stream.subscribe(['NSE:S4'], 'ltp');
        await arrives(() => expect(problems).toEqual(['error']));
        expect(rig.sim.ticker.subscriptions()[0]!.size).toBe(4);
        await rig.tickUntil(1_000, () => expect(ticks.length).toBe(4));
        expect(statuses).toEqual([{ state: 'open' }]);
        expect(stream.counters.errors).toBe(1);

        // The manager refuses what the declared limit (3000) cannot carry, in plain words, before any socket.
        const manager = rig.manager();
        const many = Array.from({ length: 3_001 }, (_, i) => `NSE:X${i}`);
        expect(() => manager.subscribe('zerodha-1', recordingConsumer('big'), many, 'ltp')).toThrow(/3,?000/);
      },
      { instrumentLimit: 4 },
    ),
  ),
  behaviour('streaming', 'survives malformed and truncated frames and unknown message types, counting each', async () => {
    // A scripted server: the simulator sends only well-formed frames, so this one sends the bad ones.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const good = Buffer.from([0, 1, 0, 8, 0x00, 0x06, 0x3a, 0x01, 0x00, 0x02, 0x49, 0xf1]); // INFY at 1500.01
    server.on('connection', (socket) => {
      socket.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { a: string };
        if (msg.a !== 'subscribe') return;
        socket.send(Buffer.from([0])); // heartbeat: not a problem
        socket.send(good.subarray(0, 9)); // truncated inside the packet
        socket.send(Buffer.from([0, 1, 0, 3, 1, 2, 3])); // a 3-byte packet Kite never sends
        socket.send(Buffer.concat([good, Buffer.from([9, 9])])); // trailing bytes: the tick is still read
        socket.send('{not json');
        socket.send('[1,2]');
        socket.send('{"type":"quote-v9","data":{}}');
        socket.send('{"type":"error","data":"Something went wrong"}');
        socket.send('{"type":"message","data":"Maintenance at 07:00"}');
        socket.send('{"type":"order","data":{"order_id":"1","status":"OPEN"}}'); // the order stream's, ignored here
        socket.send(good);
        // Full-mode packets carry the exchange's time: one older than the last delivered is dropped.
        const full = (at: number) => encodeMessage([encodePacket({ token: 408065, last: 1500.05, close: 1490, step: 0.05, volume: 10, at }, 'full')]);
        socket.send(full(60_000));
        socket.send(full(55_000));
      });
    });
    try {
      const { port } = server.address() as AddressInfo;
      const ctx = brokerContext({
        baseUrl: `http://127.0.0.1:${port}`,
        environment: 'live',
        credentials: { api_key: 'k', access_token: 't' },
        clock: { now: () => 0 } as never,
        instruments: [
          { symbol: 'NSE:INFY', exchange: 'NSE', brokerSymbol: 'INFY', token: '408065', name: 'INFOSYS', lotSize: 1, tickSize: 0.05, segment: 'NSE' },
        ],
      });
      const ticks: unknown[] = [];
      const statuses: unknown[] = [];
      const problems: unknown[] = [];
      const stream = adapter.marketStream!.open(ctx, {
        onTick: (t) => ticks.push(t),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      });
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:INFY'], 'ltp');
      await arrives(() => expect(problems.at(-1)).toBe('out-of-order'));
      expect(ticks).toEqual([
        { symbol: 'NSE:INFY', ltp: 1500.01, ts: 0 },
        { symbol: 'NSE:INFY', ltp: 1500.01, ts: 0 },
        { symbol: 'NSE:INFY', ltp: 1500.05, ts: 60_000 },
      ]);
      expect(problems).toEqual(['malformed', 'malformed', 'malformed', 'malformed', 'malformed', 'unknown', 'error', 'out-of-order']);
      expect(statuses).toEqual([{ state: 'open' }]);
      stream.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }),
  behaviour('streaming', 'order postbacks: an order placed, cancelled or rejected over REST arrives as an OrderUpdate', () =>
    withRig(async (rig) => {
      const orders = rig.openOrders();
      const market = rig.open();
      await arrives(() => expect([orders.statuses, market.statuses]).toEqual([[{ state: 'open' }], [{ state: 'open' }]]));
      const ctx = rig.ctx();
      const base = { side: 'BUY', quantity: 2, clientOrderId: 'bv-stream-1' } as const;

      const filled = await adapter.placeOrder(ctx, { ...base, symbol: 'NSE:INFY', type: 'MARKET' });
      const fillPrice = priceAt('NSE:INFY', rig.clock.now());
      await arrives(() =>
        expect(orders.updates).toEqual([
          { brokerOrderId: filled.brokerOrderId, state: 'FILLED', filledQuantity: 2, averagePrice: fillPrice, ts: seconds(rig.clock.now()) },
        ]),
      );

      const limitPrice = Math.round(priceAt('NSE:SBIN', rig.clock.now()) * 0.5);
      const open = await adapter.placeOrder(ctx, { ...base, symbol: 'NSE:SBIN', type: 'LIMIT', limitPrice, clientOrderId: 'bv-stream-2' });
      await arrives(() => expect(orders.updates.at(-1)).toMatchObject({ brokerOrderId: open.brokerOrderId, state: 'OPEN', filledQuantity: 0 }));
      await adapter.cancelOrder(ctx, open.brokerOrderId);
      await arrives(() => expect(orders.updates.at(-1)).toMatchObject({ brokerOrderId: open.brokerOrderId, state: 'CANCELLED' }));

      rig.sim.setCash(10);
      const rejected = await adapter.placeOrder(ctx, { ...base, symbol: 'NSE:TCS', type: 'LIMIT', limitPrice: 5_000, clientOrderId: 'bv-stream-3' });
      await arrives(() =>
        expect(orders.updates.at(-1)).toMatchObject({
          brokerOrderId: rejected.brokerOrderId,
          state: 'REJECTED',
          message: expect.stringContaining('Insufficient funds'),
        }),
      );
      expect(orders.updates.map((u) => u.state)).toEqual(['FILLED', 'OPEN', 'CANCELLED', 'REJECTED']);
      // Every ticker socket of the api_key hears the postbacks; the market stream leaves them to the order stream.
      expect(orders.problems).toEqual([]);
      expect(market.problems).toEqual([]);
    }),
  ),
  behaviour('streaming', 'order postbacks: a limit order the price path fills later arrives on the beat, without a REST call', () =>
    withRig(async (rig) => {
      const orders = rig.openOrders();
      await arrives(() => expect(orders.statuses).toEqual([{ state: 'open' }]));
      // A limit the price path reaches in 5 s: a buy below the price while it falls, a sell above it while it rises.
      const now = rig.clock.now();
      const [p0, p5] = [priceAt('NSE:RELIANCE', now), priceAt('NSE:RELIANCE', now + 5_000)];
      expect(p5).not.toBe(p0);
      const side = p5 < p0 ? 'BUY' : 'SELL';
      const ack = await adapter.placeOrder(rig.ctx(), { symbol: 'NSE:RELIANCE', side, quantity: 1, type: 'LIMIT', limitPrice: p5, clientOrderId: 'bv-wave' });
      await arrives(() => expect(orders.updates.map((u) => u.state)).toEqual(['OPEN']));
      await rig.stepUntil(8_000, () => expect(orders.updates.at(-1)).toMatchObject({ brokerOrderId: ack.brokerOrderId, state: 'FILLED', averagePrice: p5 }));
      expect(orders.statuses).toEqual([{ state: 'open' }]);
    }),
  ),
  behaviour('streaming', 'order postbacks: a wrong token closes the order stream with reason auth', () =>
    withRig(async (rig) => {
      const wrong = rig.openOrders(rig.ctx({ ...rig.credentials, access_token: 'expired0000' }));
      await arrives(() => expect(wrong.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      expect(wrong.updates).toEqual([]);
    }),
  ),
  behaviour('streaming', "the simulator takes the JS SDK's own URL (uid query, X-Kite-Version header) and its subscribe-then-mode requests", () =>
    withRig(async (rig) => {
      // What kiteconnect's ticker.js opens: <root>?api_key=…&access_token=…&uid=<ms>, header X-Kite-Version: 3.
      const query = new URLSearchParams({ api_key: rig.credentials.api_key!, access_token: rig.credentials.access_token!, uid: String(rig.clock.now()) });
      const client = new WebSocket(`${rig.sim.streamUrl}?${query.toString()}`, { headers: { 'X-Kite-Version': '3' } });
      const frames: Buffer[] = [];
      client.on('message', (data: Buffer, isBinary) => isBinary && frames.push(data));
      await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
      try {
        client.send(JSON.stringify({ a: 'subscribe', v: [408065, 256265] }));
        client.send(JSON.stringify({ a: 'mode', v: ['full', [408065, 256265]] }));
        await arrives(() => expect(rig.sim.ticker.subscriptions()[0]?.get(256265)).toBe('full'));
        await rig.tickUntil(1_000, () => expect(frames.length).toBeGreaterThan(0));
        const packets = decodeFrame(frames.at(-1)!).packets;
        // Full mode: 184 bytes for a stock, 32 for an index (segment 9).
        expect(packets.map((p) => [p.token, p.mode, p.index])).toEqual([
          [408065, 'full', false],
          [256265, 'full', true],
        ]);
        expect(packets[0]!.lastPrice).toBe(priceAt('NSE:INFY', rig.clock.now()));
      } finally {
        client.close();
      }
      // Anything but the root is not the ticker.
      const elsewhere = new WebSocket(`${rig.sim.baseUrl.replace(/^http/, 'ws')}/ws?${query.toString()}`);
      const status = await new Promise<number>((resolve) => elsewhere.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
      expect(status).toBe(404);
    }),
  ),
  behaviour('streaming', 'order postbacks it cannot read (no id, no status, not JSON, an unknown type) are counted and survived', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    server.on('connection', (socket) => {
      socket.send(Buffer.from([0]));
      socket.send('{"type":"order","data":{"status":"COMPLETE"}}');
      socket.send('{"type":"order","data":"COMPLETE"}');
      socket.send('not json');
      socket.send('{"type":"trade","data":{}}');
      socket.send('{"type":"error","data":"Something went wrong"}');
      socket.send(
        JSON.stringify({
          type: 'order',
          data: { order_id: '2601050001', status: 'UPDATE', filled_quantity: 3, average_price: 101.5, exchange_update_timestamp: '2026-01-05 09:30:05' },
        }),
      );
    });
    try {
      const { port } = server.address() as AddressInfo;
      const ctx = brokerContext({
        baseUrl: `http://127.0.0.1:${port}`,
        environment: 'live',
        credentials: { api_key: 'k', access_token: 't' },
        clock: { now: () => 0 } as never,
      });
      const updates: unknown[] = [];
      const statuses: unknown[] = [];
      const problems: unknown[] = [];
      const stream = adapter.orderStream!.open(ctx, { onOrder: (u) => updates.push(u), onStatus: (s) => statuses.push(s), onProblem: (p) => problems.push(p) });
      await arrives(() => expect(updates.length).toBe(1));
      // A postback of a partial fill (UPDATE) on a working order; 09:30:05 IST is 04:00:05 UTC.
      expect(updates).toEqual([
        { brokerOrderId: '2601050001', state: 'PARTIALLY_FILLED', filledQuantity: 3, averagePrice: 101.5, ts: Date.UTC(2026, 0, 5, 4, 0, 5) },
      ]);
      expect(problems).toEqual(['malformed', 'malformed', 'malformed', 'unknown', 'error']);
      expect(statuses).toEqual([{ state: 'open' }]);
      stream.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }),
];
