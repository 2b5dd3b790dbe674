import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { WebSocketServer } from 'ws';
import { adapter } from '../../../src/main/brokers/alpaca/adapter';
import { orderStreamUrl } from '../../../src/main/brokers/alpaca/order-stream';
import { ALPACA_STREAM_URL, streamUrl, type AlpacaMarketStream } from '../../../src/main/brokers/alpaca/stream';
import type { MarketStreamStatus, OrderUpdate } from '../../../src/main/streaming/types';
import { brokerContext } from '../support';
import { alpacaStreamRig, type AlpacaStreamRig } from '../../support/alpaca-stream';
import { arrives, recordingConsumer } from '../../support/stream-steps';
import { priceAt } from '../../simulators/exchange';
import { behaviour } from './suite';

/** Runs `body` with a fresh simulator on a manual scheduler, and always closes it. */
async function withRig(body: (rig: AlpacaStreamRig) => Promise<void>): Promise<void> {
  const rig = await alpacaStreamRig();
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

/** Opens the adapter's trade_updates socket, recording what it reports. */
function openOrders(rig: AlpacaStreamRig, ctx = rig.ctx()) {
  const updates: OrderUpdate[] = [];
  const statuses: MarketStreamStatus[] = [];
  const problems: string[] = [];
  const stream = adapter.orderStream!.open(ctx, {
    onOrder: (u) => updates.push(u),
    onStatus: (s) => statuses.push(s),
    onProblem: (p) => problems.push(p),
  });
  return { stream, updates, statuses, problems };
}

/** The streaming section for Alpaca: the adapter's market-data socket against the simulator's `/v2/iex`, and trade_updates on `/stream`. */
export const alpacaStreamingCases = [
  behaviour('streaming', 'order updates: an order placed over REST arrives on trade_updates as new, then its fill or cancel', () =>
    withRig(async (rig) => {
      expect(
        orderStreamUrl(brokerContext({ baseUrl: 'https://paper-api.alpaca.markets', environment: 'paper', credentials: {}, clock: { now: () => 0 } as never })),
      ).toBe('wss://paper-api.alpaca.markets/stream');
      const orders = openOrders(rig);
      try {
        await arrives(() => expect(orders.statuses).toEqual([{ state: 'open' }]));
        const ctx = rig.ctx();
        const price = priceAt('AAPL', rig.clock.now());
        const resting = await adapter.placeOrder(ctx, {
          symbol: 'US:AAPL',
          side: 'BUY',
          quantity: 2,
          type: 'LIMIT',
          limitPrice: Math.round(price * 50) / 100,
          clientOrderId: 'c-rest-1',
        });
        await arrives(() => expect(orders.updates).toEqual([expect.objectContaining({ brokerOrderId: resting.brokerOrderId, state: 'OPEN' })]));
        await adapter.cancelOrder(ctx, resting.brokerOrderId);
        await arrives(() => expect(orders.updates.at(-1)).toMatchObject({ brokerOrderId: resting.brokerOrderId, state: 'CANCELLED' }));
        const market = await adapter.placeOrder(ctx, { symbol: 'US:MSFT', side: 'BUY', quantity: 3, type: 'MARKET', clientOrderId: 'c-mkt-1' });
        await arrives(() =>
          expect(orders.updates.filter((u) => u.brokerOrderId === market.brokerOrderId).at(-1)).toMatchObject({
            state: 'FILLED',
            filledQuantity: 3,
            averagePrice: priceAt('MSFT', rig.clock.now()),
          }),
        );
        expect(orders.problems).toEqual([]);
      } finally {
        orders.stream.close();
      }
    }),
  ),
  behaviour('streaming', 'order updates: a wrong key closes the order socket with reason auth', () =>
    withRig(async (rig) => {
      const orders = openOrders(rig, rig.ctx({ apiKeyId: 'PKWRONGKEY0000000000', apiSecretKey: 'wrongSecretCANARY5521xxxxxxx' }));
      await arrives(() => expect(orders.statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      expect(orders.updates).toEqual([]);
    }),
  ),
  behaviour('streaming', 'opens the real stream host for paper and live, and the simulator host when overridden', () => {
    const ctx = (baseUrl: string) => brokerContext({ baseUrl, environment: 'paper', credentials: {}, clock: { now: () => 0 } as never });
    expect(streamUrl(ctx('https://paper-api.alpaca.markets'))).toBe('wss://stream.data.alpaca.markets/v2/iex');
    expect(streamUrl(ctx('https://api.alpaca.markets/'))).toBe(ALPACA_STREAM_URL);
    expect(streamUrl(ctx('http://127.0.0.1:4100'))).toBe('ws://127.0.0.1:4100/v2/iex');
    expect(streamUrl(ctx('https://proxy.example'))).toBe('wss://proxy.example/v2/iex');
    expect(adapter.marketStream!.limits).toEqual({ instrumentsPerSocket: 30, socketsPerAccount: 1 });
  }),
  behaviour('streaming', 'subscribes in ltp mode (trades) and quote mode (trades and quotes), and unsubscribes', () =>
    withRig(async (rig) => {
      const { stream, ticks, statuses } = rig.open();
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['US:AAPL'], 'ltp');
      stream.subscribe(['US:MSFT'], 'quote');
      await arrives(() => expect(rig.sim.dataStream.connectionCount).toBe(1));
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol).sort()).toEqual(['US:AAPL', 'US:MSFT', 'US:MSFT']));
      const at = rig.clock.now();
      const aapl = ticks.find((t) => t.symbol === 'US:AAPL')!;
      expect(aapl).toEqual({ symbol: 'US:AAPL', ltp: priceAt('AAPL', at), ts: at });
      const msft = ticks.filter((t) => t.symbol === 'US:MSFT');
      const price = priceAt('MSFT', at);
      // The trade ticks first (no quote seen yet); the quote then ticks with bid and ask around the last price.
      expect(msft[0]).toEqual({ symbol: 'US:MSFT', ltp: price, ts: at });
      expect(msft[1]).toEqual({ symbol: 'US:MSFT', ltp: price, bid: expect.closeTo(price - 0.01, 6), ask: expect.closeTo(price + 0.01, 6), ts: at });

      stream.unsubscribe(['US:MSFT']);
      ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol)).toEqual(['US:AAPL']));
      await rig.tickUntil(1_000, () => expect(ticks.map((t) => t.symbol)).toEqual(['US:AAPL', 'US:AAPL']));
      expect(stream.counters).toEqual({ malformed: 0, unknown: 0, errors: 0, unsupported: 0 });
    }),
  ),
  behaviour('streaming', 'a dropped socket reconnects through the subscription manager and resubscribes', () =>
    withRig(async (rig) => {
      const manager = rig.manager();
      const panel = recordingConsumer('panel');
      manager.subscribe('alpaca-1', panel, ['US:AAPL', 'US:SPY'], 'quote');
      await arrives(() => expect(manager.status('alpaca-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['US:AAPL', 'US:SPY'])));

      rig.sim.dataStream.dropAll();
      await arrives(() => expect(manager.status('alpaca-1')).toBe('reconnecting'));
      panel.ticks.length = 0;
      // The backoff waits on the scheduler; the new socket authenticates and gets both symbols back.
      await rig.stepUntil(8_000, () => expect(manager.status('alpaca-1')).toBe('live'));
      await rig.tickUntil(1_000, () => expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['US:AAPL', 'US:SPY'])));
      expect(rig.sim.dataStream.connectionCount).toBe(1);
      expect(manager.counters('alpaca-1')).toMatchObject({ drops: 1, adapterErrors: 0 });
    }),
  ),
  behaviour('streaming', 'a wrong key closes the stream with reason auth and never echoes the secret', () =>
    withRig(async (rig) => {
      const secret = 'wrongSecretCANARY4417xxxxxxxx';
      const { ticks, statuses } = rig.open(rig.ctx({ apiKeyId: 'PKWRONGKEY0000000000', apiSecretKey: secret }));
      await arrives(() => expect(statuses).toEqual([{ state: 'closed', reason: 'auth' }]));
      await arrives(() => expect(rig.sim.dataStream.connectionCount).toBe(0));
      expect(ticks).toEqual([]);
      expect(JSON.stringify(statuses)).not.toContain('CANARY4417');
    }),
  ),
  behaviour('streaming', 'a second socket for the same key is refused (406), and a subscription past the limit (405) too', () =>
    withRig(async (rig) => {
      const first = rig.open();
      await arrives(() => expect(first.statuses).toEqual([{ state: 'open' }]));
      const second = rig.open();
      await arrives(() => expect(second.statuses).toEqual([{ state: 'closed', reason: 'refused' }]));
      first.stream.subscribe(
        Array.from({ length: 31 }, (_, i) => `US:SYM${i}`),
        'ltp',
      );
      await arrives(() => expect(first.statuses).toEqual([{ state: 'open' }, { state: 'closed', reason: 'refused' }]));
    }),
  ),
  behaviour('streaming', 'survives malformed frames and unknown message types, counting them', async () => {
    // A scripted server: the simulator only sends well-formed frames, so this one sends the bad ones.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    server.on('connection', (socket) => {
      socket.send(JSON.stringify([{ T: 'success', msg: 'connected' }]));
      socket.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { action: string };
        if (msg.action === 'auth') socket.send(JSON.stringify([{ T: 'success', msg: 'authenticated' }]));
        if (msg.action !== 'subscribe') return;
        const t = '2026-01-05T15:00:00.000000001Z';
        for (const frame of [
          '{not json',
          '{"T":"t"}',
          '[1, null]',
          '[{"T":"t","S":"AAPL","p":"12","t":"x"}]',
          '[{"T":"zz"}]',
          '[{"T":"error","code":400,"msg":"invalid syntax"}]',
        ])
          socket.send(frame);
        socket.send(Buffer.from([0xc1, 0xff]));
        socket.send(JSON.stringify([{ T: 't', S: 'AAPL', p: 190.12, s: 1, t }]));
      });
    });
    try {
      const { port } = server.address() as AddressInfo;
      const ctx = brokerContext({
        baseUrl: `http://127.0.0.1:${port}`,
        environment: 'paper',
        credentials: { apiKeyId: 'k', apiSecretKey: 's' },
        clock: { now: () => 0 } as never,
      });
      const ticks: unknown[] = [];
      const statuses: unknown[] = [];
      const stream = adapter.marketStream!.open(ctx, { onTick: (t) => ticks.push(t), onStatus: (s) => statuses.push(s) }) as AlpacaMarketStream;
      await arrives(() => expect(statuses).toEqual([{ state: 'open' }]));
      stream.subscribe(['US:AAPL'], 'ltp');
      await arrives(() => expect(ticks).toEqual([{ symbol: 'US:AAPL', ltp: 190.12, ts: Date.UTC(2026, 0, 5, 15) }]));
      expect(stream.counters).toEqual({ malformed: 6, unknown: 1, errors: 1, unsupported: 0 });
      expect(statuses).toEqual([{ state: 'open' }]);
      stream.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }),
];
