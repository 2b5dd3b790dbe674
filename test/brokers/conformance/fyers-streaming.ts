import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { WebSocketServer } from 'ws';
import { adapter } from '../../../src/main/brokers/fyers/adapter';
import { FYERS_ORDER_SOCKET_URL, orderSocketUrl, type FyersOrderStream } from '../../../src/main/brokers/fyers/order-stream';
import { FYERS_HSM_URL, HSM_SILENCE_MS, hsmUrl, type FyersMarketStream } from '../../../src/main/brokers/fyers/stream';
import type { OrderRequest } from '../../../src/main/brokers/types';
import type { StreamProblem, Tick } from '../../../src/main/streaming/types';
import { brokerContext } from '../support';
import { recordingConsumer } from '../../support/stream-steps';
import { fyersStreamRig, type FyersStreamRig } from '../../support/fyers-stream';
import { arrives } from '../../support/stream-steps';
import { priceAt } from '../../simulators/exchange';
import type { FyersSimOptions } from '../../simulators/fyers';
import { ackResponse, CATALOGUE, connectionResponse, dataPacket, parseRequest, SCRIP_FIELDS } from '../../simulators/fyers/hsm-wire';
import { behaviour } from './suite';

async function withRig(body: (rig: FyersStreamRig) => Promise<void>, options: FyersSimOptions = {}): Promise<void> {
  const rig = await fyersStreamRig(options);
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

/** An unsigned JWT with these claims (the stream reads claims locally and never verifies). */
function jwt(claims: Record<string, unknown>): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

const symbolsOf = (ticks: Tick[]) => [...new Set(ticks.map((t) => t.symbol))].sort();
const order = (overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  symbol: 'NSE:SBIN',
  side: 'BUY',
  quantity: 3,
  type: 'MARKET',
  clientOrderId: 'bv-5e7f0001',
  ...overrides,
});

/** The streaming section for FYERS: the HSM data socket and the order socket against the simulator's. */
export const fyersStreamingCases = [
  behaviour('streaming', 'opens the real socket hosts for FYERS, the simulator host when overridden, and declares the limits', async () => {
    const ctx = (baseUrl: string) => brokerContext({ baseUrl, environment: 'live', credentials: {}, clock: { now: () => 0 } as never });
    expect(hsmUrl(ctx('https://api-t1.fyers.in'))).toBe('wss://socket.fyers.in/hsm/v1-5/prod');
    expect(hsmUrl(ctx('https://api-t1.fyers.in/api/v3'))).toBe(FYERS_HSM_URL);
    expect(orderSocketUrl(ctx('https://api-t1.fyers.in/'))).toBe(FYERS_ORDER_SOCKET_URL);
    expect(hsmUrl(ctx('http://127.0.0.1:4100'))).toBe('ws://127.0.0.1:4100/hsm/v1-5/prod');
    expect(orderSocketUrl(ctx('https://proxy.example'))).toBe('wss://proxy.example/trade/v3');
    expect(adapter.marketStream!.limits).toEqual({ instrumentsPerSocket: 200, socketsPerAccount: 1 });
    await withRig(async (rig) => {
      expect(rig.sim.streamUrl).toBe(`${rig.sim.baseUrl.replace('http', 'ws')}/hsm/v1-5/prod`);
      expect(rig.sim.orderStreamUrl).toBe(`${rig.sim.baseUrl.replace('http', 'ws')}/trade/v3`);
      expect(hsmUrl(rig.ctx())).toBe(rig.sim.streamUrl);
      expect(orderSocketUrl(rig.ctx())).toBe(rig.sim.orderStreamUrl);
    });
  }),

  behaviour('streaming', 'streams ltp (lite channel), quote and full (full channel) ticks, moves a symbol between modes, and unsubscribes', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:SBIN'], 'ltp');
      stream.subscribe(['NSE:INFY'], 'quote');
      stream.subscribe(['NSE:RELIANCE'], 'full');
      // Each new topic's snapshot ticks at once, after the symbol-token call resolved it.
      await arrives(() => expect(symbolsOf(ticks)).toEqual(['NSE:INFY', 'NSE:RELIANCE', 'NSE:SBIN']));
      expect(Object.fromEntries(rig.sim.hsm.subscriptions())).toEqual({ 1: ['sf|nse_cm|3045'], 11: ['sf|nse_cm|1594', 'sf|nse_cm|2885'] });

      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(symbolsOf(ticks)).toEqual(['NSE:INFY', 'NSE:RELIANCE', 'NSE:SBIN']));
      const at = rig.clock.now();
      const sbin = priceAt('NSE:SBIN', at);
      expect(ticks.find((t) => t.symbol === 'NSE:SBIN')).toEqual({ symbol: 'NSE:SBIN', ltp: sbin, ts: at });
      const infy = priceAt('NSE:INFY', at);
      expect(ticks.find((t) => t.symbol === 'NSE:INFY')).toEqual({
        symbol: 'NSE:INFY',
        ltp: infy,
        bid: expect.closeTo(infy - 0.05, 6),
        ask: expect.closeTo(infy + 0.05, 6),
        volume: expect.any(Number),
        ts: at,
      });
      expect(ticks.find((t) => t.symbol === 'NSE:RELIANCE')).toMatchObject({ ltp: priceAt('NSE:RELIANCE', at), bid: expect.any(Number) });

      // Up to quote: SBIN leaves the lite channel for the full one and gains bid and ask.
      stream.subscribe(['NSE:SBIN'], 'quote');
      await arrives(() => expect(rig.sim.hsm.subscriptions().get(1)).toBeUndefined());
      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(ticks.find((t) => t.symbol === 'NSE:SBIN')?.bid).toBeGreaterThan(0));

      stream.unsubscribe(['NSE:INFY', 'NSE:RELIANCE']);
      await arrives(() => expect(Object.fromEntries(rig.sim.hsm.subscriptions())).toEqual({ 11: ['sf|nse_cm|3045'] }));
      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(symbolsOf(ticks)).toEqual(['NSE:SBIN']));
      expect(stream.counters).toEqual({ malformed: 0, unknown: 0, errors: 0, unsupported: 0, outOfOrder: 0 });
      expect(problems).toEqual([]);
      expect(rig.sim.hsm.badRequests).toBe(0);
    }),
  ),

  behaviour('streaming', 'streams indices on if| topics named as the SDK names them, in lite and full mode, without bid or ask', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:NIFTY50-INDEX'], 'ltp');
      stream.subscribe(['BSE:SENSEX-INDEX'], 'quote');
      await arrives(() => expect(symbolsOf(ticks)).toEqual(['BSE:SENSEX-INDEX', 'NSE:NIFTY50-INDEX']));
      expect(Object.fromEntries(rig.sim.hsm.subscriptions())).toEqual({ 1: ['if|nse_cm|Nifty 50'], 11: ['if|bse_cm|SENSEX'] });
      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(symbolsOf(ticks)).toEqual(['BSE:SENSEX-INDEX', 'NSE:NIFTY50-INDEX']));
      const at = rig.clock.now();
      expect(ticks.find((t) => t.symbol === 'NSE:NIFTY50-INDEX')).toEqual({ symbol: 'NSE:NIFTY50-INDEX', ltp: priceAt('NSE:NIFTY50-INDEX', at), ts: at });
      expect(ticks.find((t) => t.symbol === 'BSE:SENSEX-INDEX')).toEqual({ symbol: 'BSE:SENSEX-INDEX', ltp: priceAt('BSE:SENSEX-INDEX', at), ts: at });
      expect(problems).toEqual([]);
      expect(rig.sim.hsm.badRequests).toBe(0);
    }),
  ),

  behaviour('streaming', 'symbols FYERS has no token for, and indices the index table does not name, are skipped and counted; the rest stream', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses, problems } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:NOSUCHCO', 'US:AAPL', 'NSE:NIFTYIT-INDEX', 'NSE:TCS'], 'ltp');
      await arrives(() => expect(symbolsOf(ticks)).toEqual(['NSE:TCS']));
      // TCS's five-digit token survives the fyToken → topic step (digits from position 10 on).
      expect(Object.fromEntries(rig.sim.hsm.subscriptions())).toEqual({ 1: ['sf|nse_cm|11536'] });
      expect(problems).toEqual(['unsupported', 'unsupported', 'unsupported']);
      expect(statuses).toEqual([{ state: 'open' }]);
    }),
  ),

  behaviour('streaming', 'a second socket of the same connection reuses the resolved topics: no second symbol-token call', () =>
    withRig(async (rig) => {
      const calls: string[] = [];
      const counting: typeof fetch = (input, init) => {
        calls.push(new URL(String(input instanceof Request ? input.url : input)).pathname);
        return fetch(input, init);
      };
      const ctx = brokerContext({
        baseUrl: rig.sim.baseUrl,
        environment: 'live',
        credentials: { ...rig.sim.credentials, ...rig.sim.session },
        clock: rig.clock,
        scheduler: rig.scheduler,
        fetch: counting,
      });
      for (let round = 0; round < 2; round++) {
        const { stream, ticks, statuses } = rig.open(ctx);
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        stream.subscribe(['NSE:SBIN', 'NSE:INFY'], 'quote');
        await arrives(() => expect(symbolsOf(ticks)).toEqual(['NSE:INFY', 'NSE:SBIN']));
        stream.close();
        await arrives(() => expect(rig.sim.hsm.connectionCount).toBe(0));
      }
      expect(calls).toEqual(['/data/symbol-token']);
    }),
  ),

  behaviour('streaming', 'acks data packets every `ack count` packets when the server asks for it', () =>
    withRig(
      async (rig) => {
        const { stream, ticks, statuses } = rig.open();
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        stream.subscribe(['NSE:SBIN'], 'ltp');
        await arrives(() => expect(ticks).toHaveLength(1));
        await rig.tickUntil(3_000, () => expect(ticks).toHaveLength(4));
        expect(rig.sim.hsm.acks).toEqual([2, 4]);
        expect(rig.sim.hsm.badRequests).toBe(0);
      },
      { ackCount: 2 },
    ),
  ),

  behaviour('streaming', 'a dropped socket reconnects through the subscription manager and resubscribes, drop after drop', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('fyers-1', panel, ['NSE:SBIN', 'NSE:INFY'], 'quote');
      await arrives(() => expect(manager.status('fyers-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(symbolsOf(panel.ticks)).toEqual(['NSE:INFY', 'NSE:SBIN']));

      // A bounded soak: three server-side drops in a row, each back to live with both symbols and bid/ask.
      for (let drop = 1; drop <= 3; drop++) {
        rig.sim.hsm.dropAll();
        await arrives(() => expect(manager.status('fyers-1')).toBe('reconnecting'));
        await rig.stepUntil(8_000, () => expect(manager.status('fyers-1')).toBe('live'));
        panel.ticks.length = 0;
        await rig.tickUntil(1_000, () => expect(symbolsOf(panel.ticks.filter((t) => t.bid !== undefined))).toEqual(['NSE:INFY', 'NSE:SBIN']));
      }
      expect(rig.sim.hsm.connectionCount).toBe(1);
      expect(manager.counters('fyers-1')).toMatchObject({ drops: 3, adapterErrors: 0, consumerErrors: 0 });
    }),
  ),

  behaviour('streaming', 'a daily token rollover: the old hsm_key is refused (auth), the manager reopens with the new session', () =>
    withRig(async (rig) => {
      let session = rig.sim.session;
      const manager = rig.manager(() => session);
      const panel = recordingConsumer('panel');
      manager.subscribe('fyers-1', panel, ['NSE:SBIN'], 'ltp');
      await arrives(() => expect(manager.status('fyers-1')).toBe('live'));

      // Rollover: every old token dies; a socket opened on the old one gets status N and closes as auth.
      rig.sim.expireSessions();
      const stale = rig.open(rig.ctx(rig.sim.session));
      await arrives(() => expect(stale.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      const oldToken = rig.sim.session.access_token!;
      expect(JSON.stringify([stale.statuses, stale.problems])).not.toContain(oldToken.slice(-12));

      session = rig.sim.newSession();
      manager.sessionChanged('fyers-1');
      panel.ticks.length = 0;
      await rig.stepUntil(8_000, () => expect(manager.status('fyers-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(symbolsOf(panel.ticks)).toEqual(['NSE:SBIN']));
    }),
  ),

  behaviour('streaming', 'a token without an hsm_key claim, or past its exp, closes as auth without opening a socket', () =>
    withRig(async (rig) => {
      const now = Math.floor(rig.clock.now() / 1000);
      const noKey = jwt({ sub: 'access_token', exp: now + 3_600, fy_id: 'XS48213' });
      const expired = jwt({ sub: 'access_token', exp: now - 1, hsm_key: 'CANARYhsmKEY5521' });
      for (const token of [noKey, expired, 'not-a-jwt']) {
        const { statuses, problems } = rig.open(rig.ctx({ access_token: token }));
        await arrives(() => expect(statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
        expect(JSON.stringify([statuses, problems])).not.toContain('CANARY');
      }
      expect(rig.sim.hsm.connectionCount).toBe(0);
    }),
  ),

  behaviour('streaming', 'the order socket refuses a wrong token at the upgrade: closed as auth, the token never echoed', () =>
    withRig(async (rig) => {
      const { updates, statuses } = rig.openOrders(rig.ctx({ access_token: 'wrongTokenCANARY9931' }));
      await arrives(() => expect(statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      expect(updates).toEqual([]);
      expect(JSON.stringify(statuses)).not.toContain('CANARY');
      expect(rig.sim.orderSocket.connectionCount).toBe(0);
    }),
  ),

  behaviour('streaming', 'limits: the manager refuses the 201st instrument; a subscribe past the server limit closes as refused', () =>
    withRig(
      async (rig) => {
        const manager = rig.manager();
        const many = Array.from({ length: 201 }, (_, i) => `NSE:SYM${i}`);
        expect(() => manager.subscribe('fyers-1', recordingConsumer('grid'), many, 'ltp')).toThrow(/at most 200 instruments/);

        // This simulator carries two symbols per socket: the third subscribe is answered N.
        const { stream, statuses } = rig.open();
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        stream.subscribe(['NSE:SBIN', 'NSE:INFY'], 'ltp');
        await arrives(() => expect(rig.sim.hsm.subscriptions().get(1)).toHaveLength(2));
        stream.subscribe(['NSE:TCS'], 'ltp');
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'refused' }]));
      },
      { scripLimit: 2 },
    ),
  ),

  behaviour('streaming', 'sends at most 1500 scrips per subscribe request and at most 500 symbols per symbol-token call', async () => {
    // A scripted server that knows any NSE symbol, so the counts are not bounded by the simulator's small master.
    const tokenCalls: number[] = [];
    const http = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const symbols = (JSON.parse(body) as { symbols: string[] }).symbols;
        tokenCalls.push(symbols.length);
        const validSymbol = Object.fromEntries(symbols.map((s) => [s, `1010000000${s.replace(/\D/g, '').padStart(5, '0')}`]));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ s: 'ok', code: 200, validSymbol, invalidSymbol: [] }));
      });
    });
    const wss = new WebSocketServer({ server: http });
    const perRequest: number[] = [];
    wss.on('connection', (socket) => {
      socket.on('message', (data: Buffer) => {
        const req = parseRequest(data);
        if (req?.type === 1) socket.send(connectionResponse(true, 0, CATALOGUE));
        if (req?.type === 4) {
          perRequest.push(req.fields.get(1)!.readUInt16BE(0));
          socket.send(ackResponse(4, true));
        }
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = http.address() as AddressInfo;
      const session = { client_id: 'APP1-100', access_token: jwt({ hsm_key: 'k' }) };
      const ctx = brokerContext({ baseUrl: `http://127.0.0.1:${port}`, environment: 'live', credentials: session, clock: { now: () => 0 } as never });
      const symbols = Array.from({ length: 1600 }, (_, i) => `NSE:S${10_000 + i}`);
      for (let round = 0; round < 2; round++) {
        const statuses: unknown[] = [];
        const stream = adapter.marketStream!.open(ctx, { onTick: () => undefined, onStatus: (st) => statuses.push(st) });
        await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
        stream.subscribe(symbols, 'ltp');
        await arrives(() => expect(perRequest.reduce((a, b) => a + b, 0)).toBe(1600 * (round + 1)));
        stream.close();
      }
      // First socket: four symbol-token calls, each subscribed as it lands; the second resolves from the memo at once.
      expect(tokenCalls).toEqual([500, 500, 500, 100]);
      expect(perRequest.slice(-2)).toEqual([1500, 100]);
    } finally {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }),

  behaviour('streaming', 'pings keep a quiet socket open; a server that stops answering is closed as dropped by the watchdog', () =>
    withRig(async (rig) => {
      const { statuses } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      // No subscription, so no data: only the 30 s pings and their answers keep the socket alive.
      for (let i = 0; i < 8; i++) await rig.tickUntil(15_000, () => expect(rig.sim.hsm.pings).toBe(Math.floor((i + 1) / 2)));
      expect(statuses).toEqual([{ state: 'open' }]);

      rig.sim.hsm.muted = true;
      await rig.tickUntil(HSM_SILENCE_MS, () => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'dropped' }]));
    }),
  ),

  behaviour('streaming', 'an order placed, filled, cancelled or rejected over REST arrives on the order socket as OrderUpdates', () =>
    withRig(async (rig) => {
      const ctx = rig.ctx();
      const { updates, statuses } = rig.openOrders(ctx);
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      await arrives(() => expect(rig.sim.orderSocket.listening).toBe(true));

      const filled = await adapter.placeOrder(ctx, order());
      const price = priceAt('NSE:SBIN', rig.clock.now());
      await arrives(() =>
        expect(updates).toEqual([
          { brokerOrderId: filled.brokerOrderId, state: 'OPEN', filledQuantity: 0, ts: rig.clock.now() },
          { brokerOrderId: filled.brokerOrderId, state: 'FILLED', filledQuantity: 3, averagePrice: price, ts: rig.clock.now() },
        ]),
      );

      updates.length = 0;
      const resting = await adapter.placeOrder(ctx, order({ type: 'LIMIT', limitPrice: 1, clientOrderId: 'bv-5e7f0002' }));
      await arrives(() => expect(updates.map((u) => u.state)).toEqual(['OPEN']));
      await adapter.cancelOrder(ctx, resting.brokerOrderId);
      await arrives(() => expect(updates[1]).toMatchObject({ brokerOrderId: resting.brokerOrderId, state: 'CANCELLED', message: 'Cancelled by user' }));

      updates.length = 0;
      rig.sim.setCash(0);
      await adapter.placeOrder(ctx, order({ clientOrderId: 'bv-5e7f0003' })).catch(() => undefined);
      await arrives(() => expect(updates).toEqual([expect.objectContaining({ state: 'REJECTED', message: expect.stringMatching(/Margin Shortfall/) })]));

      // The text ping every second is answered with pong, which keeps the socket past its watchdog.
      await rig.tickUntil(20_000, () => expect(statuses).toEqual([{ state: 'open' }]));
    }),
  ),

  behaviour('streaming', 'survives truncated and malformed packets, unknown types and out-of-order ticks, counting them', async () => {
    // A scripted server: the simulator only sends well-formed packets, so this one sends the bad ones.
    const http = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ s: 'ok', code: 200, validSymbol: { 'NSE:SBIN-EQ': '10100000003045' }, invalidSymbol: [] }));
    });
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const t0 = 1_767_585_600; // 2026-01-05T04:00:00Z in seconds
    const values = (ltp: number, ltt: number) => SCRIP_FIELDS.map(([, name]) => (name === 'ltp' ? ltp : name === 'ltt' ? ltt : -2147483648));
    const snapshot = dataPacket(null, [
      {
        kind: 'S',
        topicId: 7,
        topic: 'sf|nse_cm|3045',
        values: values(81_230, t0),
        multiplier: 1,
        precision: 2,
        exchange: 'NSE',
        token: '3045',
        symbol: 'SBIN-EQ',
      },
    ]);
    wss.on('connection', (socket) => {
      socket.on('message', (data: Buffer) => {
        const req = parseRequest(data);
        if (req?.type === 1) socket.send(connectionResponse(true, 0, CATALOGUE));
        if (req?.type !== 4) return;
        socket.send(ackResponse(4, true));
        const update = (ltp: number, ltt: number) => dataPacket(null, [{ kind: 'U', topicId: 7, values: values(ltp, ltt).slice(0, 3) }]);
        for (const frame of [
          dataPacket(null, [{ kind: 'U', topicId: 9, values: [1] }]), // update before any snapshot: malformed
          snapshot.subarray(0, snapshot.length - 4), // truncated mid-entry
          Buffer.of(0x00, 0x09, 0x06), // length past the frame
          Buffer.of(0x00), // not even a header
          Buffer.concat([Buffer.of(0x00, 0x04, 0x06, 0x00, 0x01), Buffer.from('Z')]), // unknown entry kind
          Buffer.of(0x00, 0x03, 0x63, 0x01, 0x02), // unknown packet type 99: skipped by its length
          snapshot,
          update(81_240, t0 + 1),
          update(81_100, t0 - 5), // older than the tick already delivered
        ])
          socket.send(frame);
        socket.send('{"not":"binary"}');
      });
    });
    try {
      const { port } = http.address() as AddressInfo;
      const session = { client_id: 'APP1-100', access_token: jwt({ hsm_key: 'k', exp: t0 + 3_600 }) };
      const ctx = brokerContext({ baseUrl: `http://127.0.0.1:${port}`, environment: 'live', credentials: session, clock: { now: () => t0 * 1000 } as never });
      const ticks: Tick[] = [];
      const statuses: unknown[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.marketStream!.open(ctx, {
        onTick: (t) => ticks.push(t),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as FyersMarketStream;
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['NSE:SBIN'], 'ltp');
      await arrives(() => expect(stream.counters.unknown).toBe(2));
      expect(ticks).toEqual([
        { symbol: 'NSE:SBIN', ltp: 812.3, ts: t0 * 1000 },
        { symbol: 'NSE:SBIN', ltp: 812.4, ts: (t0 + 1) * 1000 },
      ]);
      expect(stream.counters).toEqual({ malformed: 5, unknown: 2, errors: 0, unsupported: 0, outOfOrder: 1 });
      expect(problems.filter((p) => p === 'malformed')).toHaveLength(5);
      expect(statuses).toEqual([{ state: 'open' }]);
      stream.close();
    } finally {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }),
  behaviour('streaming', 'the order socket survives junk, errors and unknown messages, counting them, and ends on a dead-session error', async () => {
    const http = createServer((_req, res) => res.end());
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const headers: string[] = [];
    wss.on('connection', (socket, req) => {
      headers.push(String(req.headers.authorization));
      socket.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        if (text === 'ping') return socket.send('pong');
        if (!text.includes('SUB_ORD')) return;
        for (const frame of [
          '{not json',
          '[1,2]',
          '{"s":"ok","code":1605,"message":"Successfully subscribed"}',
          '{"hello":"there"}',
          '{"s":"error","code":-99,"message":"something refused"}',
          '{"s":"ok","orders":{"ord_status":90}}',
          '{"s":"ok","orders":{"id":"1","ord_status":999}}',
          '{"s":"ok","trades":{"id":"1"}}',
          '{"s":"ok","orders":{"id":"26010500000007","ord_status":91,"qty_filled":0,"oms_msg":"Cancelled by user","time_oms":"05-Jan-2026 09:30:00"}}',
        ])
          socket.send(frame);
        socket.send('{"s":"error","code":-16,"message":"Could not authenticate the user"}');
      });
    });
    try {
      const { port } = http.address() as AddressInfo;
      const ctx = brokerContext({
        baseUrl: `http://127.0.0.1:${port}`,
        environment: 'live',
        credentials: { client_id: 'APP1-100', access_token: 'tokenCANARY8812' },
        clock: { now: () => 5 } as never,
      });
      const updates: unknown[] = [];
      const statuses: unknown[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.orderStream!.open(ctx, {
        onOrder: (u) => updates.push(u),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as FyersOrderStream;
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'auth' }]));
      expect(headers).toEqual(['APP1-100:tokenCANARY8812']);
      expect(updates).toEqual([
        { brokerOrderId: '26010500000007', state: 'CANCELLED', filledQuantity: 0, message: 'Cancelled by user', ts: Date.UTC(2026, 0, 5, 4, 0, 0) },
      ]);
      expect(stream.counters).toEqual({ malformed: 4, unknown: 1, errors: 1 });
      expect(problems.sort()).toEqual(['error', 'malformed', 'malformed', 'malformed', 'malformed', 'unknown']);
      expect(JSON.stringify([statuses, problems])).not.toContain('CANARY');
    } finally {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }),
];
