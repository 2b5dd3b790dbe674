import { decode, decodeTimestampToTimeSpec, encode, EXT_TIMESTAMP, ExtensionCodec } from '@msgpack/msgpack';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import { ManualClock } from '../../src/main/clock';
import { startAlpaca, type AlpacaSimHandle } from '../simulators/alpaca';
import { priceAt } from '../simulators/exchange';
import { ManualScheduler } from '../support/manual-scheduler';

type Msg = Record<string, unknown>;

/** A plain `ws` client that queues what the server sends, so a test can await the next message in order. */
class TestClient {
  private readonly queue: { data: unknown; binary: boolean }[] = [];
  private waiter: (() => void) | null = null;
  closed = false;
  error: Error | null = null;
  readonly socket: WebSocket;

  constructor(url: string, headers?: Record<string, string>) {
    this.socket = new WebSocket(url, { headers });
    this.socket.on('message', (data: RawData, binary: boolean) => {
      this.queue.push({ data: JSON.parse((data as Buffer).toString('utf8')), binary });
      this.waiter?.();
    });
    this.socket.on('error', (e) => (this.error = e));
    this.socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  async next(): Promise<{ data: unknown; binary: boolean }> {
    while (this.queue.length === 0) {
      if (this.closed) throw new Error('socket closed with nothing queued');
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.queue.shift()!;
  }

  /** The next market-data message (an array of objects). */
  async batch(): Promise<Msg[]> {
    return (await this.next()).data as Msg[];
  }

  /** Everything queued so far (after timers fired several ticks). */
  drain(): Msg[][] {
    return this.queue.splice(0).map((m) => m.data as Msg[]);
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async closedNow(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => (this.waiter = resolve));
  }

  close(): void {
    this.socket.terminate();
  }
}

const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

let clock: ManualClock;
let scheduler: ManualScheduler;
let sim: AlpacaSimHandle;
const clients: TestClient[] = [];

function connect(url = sim.streamUrl, headers?: Record<string, string>): TestClient {
  const c = new TestClient(url, headers);
  clients.push(c);
  return c;
}

async function authed(url = sim.streamUrl): Promise<TestClient> {
  const c = connect(url);
  expect(await c.batch()).toEqual([{ T: 'success', msg: 'connected' }]);
  c.send({ action: 'auth', key: sim.credentials.apiKeyId, secret: sim.credentials.apiSecretKey });
  expect(await c.batch()).toEqual([{ T: 'success', msg: 'authenticated' }]);
  return c;
}

beforeEach(async () => {
  clock = new ManualClock();
  scheduler = new ManualScheduler(clock);
  sim = await startAlpaca({ clock, scheduler, authTimeoutMs: 5_000, symbolLimit: 3, streamTickMs: 1_000 });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim.close();
});

describe('Alpaca simulator market-data stream', () => {
  it('greets, authenticates by message, subscribes and streams trades and quotes on the shared price path', async () => {
    expect(sim.streamUrl).toBe(`ws://127.0.0.1:${sim.port}/v2/iex`);
    const c = await authed();
    c.send({ action: 'subscribe', trades: ['AAPL'], quotes: ['aapl', 'MSFT'] });
    expect(await c.batch()).toEqual([
      { T: 'subscription', trades: ['AAPL'], quotes: ['AAPL', 'MSFT'], bars: [], updatedBars: [], dailyBars: [], statuses: [], lulds: [] },
    ]);
    await scheduler.advance(1_000);
    const data = await c.batch();
    const price = priceAt('AAPL', clock.now());
    expect(data.map((m) => `${String(m.T)}:${String(m.S)}`)).toEqual(['t:AAPL', 'q:AAPL', 'q:MSFT']);
    const [t, q] = data as [Msg, Msg];
    expect(Object.keys(t).sort()).toEqual(['S', 'T', 'c', 'i', 'p', 's', 't', 'x', 'z']);
    expect(t).toMatchObject({ p: price, s: 100, x: 'V', z: 'C' });
    expect(t.t).toMatch(RFC3339_NANO);
    expect(String(t.t).slice(0, 23)).toBe(new Date(clock.now()).toISOString().slice(0, 23));
    expect(Object.keys(q).sort()).toEqual(['S', 'T', 'ap', 'as', 'ax', 'bp', 'bs', 'bx', 'c', 't', 'z']);
    expect(q).toMatchObject({ bp: Math.round((price - 0.01) * 100) / 100, ap: Math.round((price + 0.01) * 100) / 100 });
    expect(q.t).toMatch(RFC3339_NANO);
    // Prices sit on the US equity tick (one cent) and walk with the clock.
    const cents = (n: unknown) => Math.abs(Number(n) * 100 - Math.round(Number(n) * 100)) < 1e-9;
    expect([t.p, q.bp, q.ap].every(cents)).toBe(true);
    await scheduler.advance(30_000);
    const ticks = c.drain();
    expect(ticks).toHaveLength(30);
    const later = ticks.at(-1)!.find((m) => m.T === 't')!;
    expect(later.p).toBe(priceAt('AAPL', clock.now()));
    expect(later.p).not.toBe(t.p);
    expect(Number(later.i)).toBeGreaterThan(Number(t.i));
  });

  it('authenticates with the REST key headers on the upgrade', async () => {
    const c = connect(sim.streamUrl, { 'APCA-API-KEY-ID': sim.credentials.apiKeyId!, 'APCA-API-SECRET-KEY': sim.credentials.apiSecretKey! });
    expect(await c.batch()).toEqual([{ T: 'success', msg: 'connected' }]);
    expect(await c.batch()).toEqual([{ T: 'success', msg: 'authenticated' }]);
  });

  it('speaks MessagePack both ways when the upgrade asks for it, with nanosecond timestamp extensions', async () => {
    // Decode -1 into {sec, nsec} instead of a Date, which would drop the nanoseconds.
    const codec = new ExtensionCodec();
    codec.register({ type: EXT_TIMESTAMP, encode: () => null, decode: (data) => decodeTimestampToTimeSpec(data) });
    const frames: { data: unknown; binary: boolean }[] = [];
    const socket = new WebSocket(sim.streamUrl, { headers: { 'Content-Type': 'application/msgpack' } });
    const next = () =>
      new Promise<unknown>((resolve) => {
        const poll = () => (frames.length > 0 ? resolve(frames.shift()) : setImmediate(poll));
        poll();
      });
    socket.on('message', (data: Buffer, binary: boolean) => frames.push({ data: decode(data, { extensionCodec: codec }), binary }));
    try {
      expect(await next()).toEqual({ binary: true, data: [{ T: 'success', msg: 'connected' }] });
      socket.send(encode({ action: 'auth', key: sim.credentials.apiKeyId, secret: sim.credentials.apiSecretKey }));
      expect(await next()).toEqual({ binary: true, data: [{ T: 'success', msg: 'authenticated' }] });
      socket.send(encode({ action: 'subscribe', trades: ['AAPL'] }));
      expect(await next()).toMatchObject({ data: [{ T: 'subscription', trades: ['AAPL'] }] });
      await scheduler.advance(1_000);
      const [t] = ((await next()) as { data: Msg[] }).data;
      expect(t).toMatchObject({ T: 't', S: 'AAPL', p: priceAt('AAPL', clock.now()) });
      const { sec, nsec } = t!.t as { sec: number; nsec: number };
      expect(sec * 1000 + Math.floor(nsec / 1e6)).toBe(clock.now());
      expect(nsec % 1e6).toBe(Number(t!.i) % 1e6);
      socket.send(Buffer.from('{"action":"auth"}'));
      expect(await next()).toMatchObject({ data: [{ T: 'error', code: 400, msg: 'invalid syntax' }] });
    } finally {
      socket.terminate();
    }
  });

  it('serves the test feed with FAKEPACA and the sip feed', async () => {
    const test = await authed(`ws://127.0.0.1:${sim.port}/v2/test`);
    const sip = await authed(`ws://127.0.0.1:${sim.port}/v2/sip`);
    test.send({ action: 'subscribe', trades: ['FAKEPACA'] });
    sip.send({ action: 'subscribe', quotes: ['SPY'] });
    await test.batch();
    await sip.batch();
    await scheduler.advance(1_000);
    expect((await test.batch()).map((m) => [m.T, m.S, m.p])).toEqual([['t', 'FAKEPACA', priceAt('FAKEPACA', clock.now())]]);
    expect((await sip.batch()).map((m) => [m.T, m.S])).toEqual([['q', 'SPY']]);
  });

  it('unsubscribes and answers with the full remaining lists', async () => {
    const c = await authed();
    c.send({ action: 'subscribe', trades: ['AAPL', 'MSFT'], quotes: ['AAPL'] });
    await c.batch();
    c.send({ action: 'unsubscribe', trades: ['AAPL'], quotes: ['AAPL'] });
    expect(await c.batch()).toMatchObject([{ T: 'subscription', trades: ['MSFT'], quotes: [] }]);
    await scheduler.advance(1_000);
    expect((await c.batch()).map((m) => [m.T, m.S])).toEqual([['t', 'MSFT']]);
  });

  it.each([
    ['a wrong secret', { action: 'auth', key: 'PKSIM7Q2W4E6R8T0Y1U3', secret: 'wrong' }, 402, 'auth failed'],
    ['an unknown action', { action: 'listen' }, 400, 'invalid syntax'],
    ['auth without a secret', { action: 'auth', key: 'x' }, 400, 'invalid syntax'],
    ['a subscription before auth', { action: 'subscribe', trades: ['AAPL'] }, 401, 'not authenticated'],
  ])('answers %s with its error code', async (_name, message, code, msg) => {
    const c = connect();
    await c.batch();
    c.send(message);
    expect(await c.batch()).toEqual([{ T: 'error', code, msg }]);
  });

  it('answers malformed JSON with 400 invalid syntax', async () => {
    const c = connect();
    await c.batch();
    c.send('{"action":');
    expect(await c.batch()).toEqual([{ T: 'error', code: 400, msg: 'invalid syntax' }]);
  });

  it('answers a second auth with 403, a channel the feed lacks with 410 and too many symbols with 405', async () => {
    const c = await authed();
    c.send({ action: 'auth', key: sim.credentials.apiKeyId, secret: sim.credentials.apiSecretKey });
    expect(await c.batch()).toEqual([{ T: 'error', code: 403, msg: 'already authenticated' }]);
    c.send({ action: 'subscribe', orderbooks: ['AAPL'] });
    expect(await c.batch()).toEqual([{ T: 'error', code: 410, msg: 'invalid subscribe action' }]);
    c.send({ action: 'subscribe', trades: ['AAPL', 'MSFT'], quotes: ['SPY', 'JPM'] });
    expect(await c.batch()).toEqual([{ T: 'error', code: 405, msg: 'symbol limit exceeded' }]);
    // The refused request changed nothing.
    c.send({ action: 'subscribe', trades: ['AAPL'], quotes: ['AAPL'] });
    expect(await c.batch()).toMatchObject([{ T: 'subscription', trades: ['AAPL'], quotes: ['AAPL'] }]);
  });

  it('closes a socket that does not authenticate in time with 404 auth timeout', async () => {
    const c = connect();
    await c.batch();
    await scheduler.advance(4_999);
    expect(c.closed).toBe(false);
    await scheduler.advance(1);
    expect(await c.batch()).toEqual([{ T: 'error', code: 404, msg: 'auth timeout' }]);
    await c.closedNow();
  });

  it('allows one connection per endpoint per key (406), on each endpoint', async () => {
    await authed();
    const second = connect();
    await second.batch();
    second.send({ action: 'auth', key: sim.credentials.apiKeyId, secret: sim.credentials.apiSecretKey });
    expect(await second.batch()).toEqual([{ T: 'error', code: 406, msg: 'connection limit exceeded' }]);
    await second.closedNow();
    await authed(`ws://127.0.0.1:${sim.port}/v2/sip`);
  });

  it('lets a dropped client reconnect, re-authenticate and resubscribe', async () => {
    const first = await authed();
    first.send({ action: 'subscribe', trades: ['SPY'] });
    await first.batch();
    sim.dataStream.dropAll();
    await first.closedNow();
    const again = await authed();
    again.send({ action: 'subscribe', trades: ['SPY'] });
    expect(await again.batch()).toMatchObject([{ T: 'subscription', trades: ['SPY'] }]);
    await scheduler.advance(1_000);
    expect((await again.batch()).map((m) => m.S)).toEqual(['SPY']);
  });

  it('refuses an upgrade on a path it does not serve', async () => {
    const c = connect(`ws://127.0.0.1:${sim.port}/v2/nope`);
    await c.closedNow();
    expect(c.error?.message).toBe('Unexpected server response: 404');
  });
});

describe('Alpaca simulator trade_updates stream', () => {
  const headers = () => ({
    'content-type': 'application/json',
    'APCA-API-KEY-ID': sim.credentials.apiKeyId!,
    'APCA-API-SECRET-KEY': sim.credentials.apiSecretKey!,
  });
  const rest = async (method: string, path: string, body?: unknown) =>
    fetch(`${sim.baseUrl}${path}`, { method, headers: headers(), body: body === undefined ? undefined : JSON.stringify(body) });

  async function listening(auth: Msg): Promise<TestClient> {
    const c = connect(sim.orderStreamUrl);
    await new Promise((resolve) => c.socket.once('open', resolve));
    c.send(auth);
    const reply = await c.next();
    expect(reply.binary).toBe(true);
    expect(reply.data).toEqual({ stream: 'authorization', data: { action: 'authenticate', status: 'authorized' } });
    c.send({ action: 'listen', data: { streams: ['trade_updates'] } });
    expect((await c.next()).data).toEqual({ stream: 'listening', data: { streams: ['trade_updates'] } });
    return c;
  }

  it('authorizes both spellings and refuses a wrong key', async () => {
    expect(sim.orderStreamUrl).toBe(`ws://127.0.0.1:${sim.port}/stream`);
    await listening({ action: 'auth', key: sim.credentials.apiKeyId, secret: sim.credentials.apiSecretKey });
    await listening({ action: 'authenticate', data: { key_id: sim.credentials.apiKeyId, secret_key: sim.credentials.apiSecretKey } });
    const bad = connect(sim.orderStreamUrl);
    await new Promise((resolve) => bad.socket.once('open', resolve));
    bad.send({ action: 'auth', key: sim.credentials.apiKeyId, secret: 'nope' });
    expect((await bad.next()).data).toEqual({ stream: 'authorization', data: { action: 'authenticate', status: 'unauthorized' } });
    bad.send({ action: 'listen', data: { streams: ['trade_updates'] } });
    expect((await bad.next()).data).toEqual({ stream: 'authorization', data: { action: 'listen', status: 'unauthorized' } });
  });

  it('sends new and fill for a market order placed over REST, with the REST order object', async () => {
    const c = await listening({ action: 'auth', key: sim.credentials.apiKeyId, secret: sim.credentials.apiSecretKey });
    const placed = (await (await rest('POST', '/v2/orders', { symbol: 'AAPL', qty: '2', side: 'buy', type: 'market', time_in_force: 'day' })).json()) as Msg;
    const created = (await c.next()).data as { stream: string; data: Msg & { order: Msg } };
    expect(created.stream).toBe('trade_updates');
    expect(created.data.event).toBe('new');
    expect(created.data.order).toMatchObject({ id: placed.id, status: 'new', filled_qty: '0' });
    const fill = (await c.next()).data as { data: Msg & { order: Msg } };
    expect(fill.data).toMatchObject({ event: 'fill', qty: '2', position_qty: '2', price: String(priceAt('AAPL', clock.now())) });
    expect(fill.data.execution_id).toEqual(expect.any(String));
    const fetched = (await (await rest('GET', `/v2/orders/${String(placed.id)}`)).json()) as Msg;
    expect(fill.data.order).toEqual(fetched);
  });

  it('sends canceled for an order cancelled over REST, and fill for a limit the price path crosses later', async () => {
    const c = await listening({ action: 'auth', key: sim.credentials.apiKeyId, secret: sim.credentials.apiSecretKey });
    const now = priceAt('MSFT', clock.now());
    const far = (await (
      await rest('POST', '/v2/orders', {
        symbol: 'MSFT',
        qty: '1',
        side: 'buy',
        type: 'limit',
        limit_price: String(Math.floor(now * 0.5)),
        time_in_force: 'gtc',
      })
    ).json()) as Msg;
    expect(((await c.next()).data as { data: Msg }).data.event).toBe('new');
    expect((await rest('DELETE', `/v2/orders/${String(far.id)}`)).status).toBe(204);
    expect((await c.next()).data).toMatchObject({ stream: 'trade_updates', data: { event: 'canceled', order: { id: far.id, status: 'canceled' } } });

    // A buy limit just under today's price fills once the sine dips under it, with no REST request in between.
    const limit = Math.round(now * 0.99 * 100) / 100;
    await rest('POST', '/v2/orders', { symbol: 'MSFT', qty: '1', side: 'buy', type: 'limit', limit_price: String(limit), time_in_force: 'gtc' });
    expect(((await c.next()).data as { data: Msg }).data.event).toBe('new');
    await scheduler.advance(600_000);
    expect((await c.next()).data).toMatchObject({ data: { event: 'fill', price: String(limit), order: { status: 'filled' } } });
  });

  it('does not replay orders from before the listener joined', async () => {
    const order = { qty: '1', side: 'buy', type: 'market', time_in_force: 'day' };
    await rest('POST', '/v2/orders', { ...order, symbol: 'SPY' });
    const c = await listening({ action: 'auth', key: sim.credentials.apiKeyId, secret: sim.credentials.apiSecretKey });
    await rest('POST', '/v2/orders', { ...order, symbol: 'JPM' });
    expect((await c.next()).data).toMatchObject({ data: { event: 'new', order: { symbol: 'JPM' } } });
  });

  it('sends text frames on the live host', async () => {
    await sim.close();
    sim = await startAlpaca({ clock, scheduler, environment: 'live' });
    const c = connect(sim.orderStreamUrl);
    await new Promise((resolve) => c.socket.once('open', resolve));
    c.send({ action: 'auth', key: sim.credentials.apiKeyId, secret: sim.credentials.apiSecretKey });
    expect(await c.next()).toEqual({ binary: false, data: { stream: 'authorization', data: { action: 'authenticate', status: 'authorized' } } });
  });
});
