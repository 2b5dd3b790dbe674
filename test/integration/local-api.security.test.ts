import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { LocalApiService, findFreePort } from '../../src/main/local-api/service';
import { guardServices } from '../../src/main/local-api/guard';
import { ping } from '../../src/main/local-api/verbs/ping';
import { ALL_VERBS } from '../../src/main/local-api/verbs';
import { ApiError, type LocalApiServices, type Verb } from '../../src/main/local-api/verb';
import { systemScheduler } from '../../src/main/scheduler';
import { AppSettings } from '../../src/main/store/app-settings';
import { makeGraph, type TestGraph } from '../support/graph';
import { onFreePorts, testPortNear } from '../support/ports';
import { arrives } from '../support/stream-steps';

/** A trade verb for these tests: one paper order through the one order path, source 'api'. */
const testPlace: Verb = {
  name: 'placeorder',
  permission: 'trade',
  input: z.strictObject({ symbol: z.string(), quantity: z.number().positive() }),
  async run({ services }, input: { symbol: string; quantity: number }) {
    const result = await services.trading.orders.place(
      { ticketId: `api-${randomBytes(6).toString('hex')}`, symbol: input.symbol, side: 'BUY', quantity: input.quantity, type: 'MARKET' },
      'api',
    );
    if (result.status !== 'placed') throw new ApiError(400, 'not placed');
    return { httpStatus: 200, body: { status: 'success', orderid: result.order.id } };
  },
};

/** A trade verb that waits on `gate` before it places: the test changes the world while it waits. */
let gate: Promise<void> = Promise.resolve();
let entered: () => void = () => undefined;
const slowPlace: Verb = {
  ...testPlace,
  name: 'slowplace',
  async run(ctx, input) {
    entered();
    await gate;
    return testPlace.run(ctx, input);
  },
};

let graph: TestGraph;
let api: LocalApiService;
let rest: number;
let ws: number;

function servicesOf(g: TestGraph): LocalApiServices {
  const s = g.services;
  return { trading: s.trading, connections: s.connections, brokerCalls: s.brokerCalls, market: s.market, brokers: s.brokers, audit: s.audit, log: s.log };
}

async function startApi(options: Partial<ConstructorParameters<typeof LocalApiService>[0]> = {}) {
  api = new LocalApiService({
    db: graph.services.db,
    settings: new AppSettings(graph.services.db),
    audit: graph.services.audit,
    clock: graph.clock,
    scheduler: systemScheduler(graph.clock),
    log: graph.services.log,
    services: servicesOf(graph),
    // The real verbs where a test is about what they answer over HTTP (field errors, cancels while halted).
    verbs: [ping as Verb, testPlace, slowPlace, ...ALL_VERBS.filter((v) => ['placesmartorder', 'cancelorder', 'cancelallorder'].includes(v.name))],
    restLimits: { headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 400, checkIntervalMs: 100 },
    ...options,
  });
  const started = api;
  [rest, ws] = await onFreePorts(2, async ([restPort, wsPort]) => {
    const status = await started.configure({ enabled: true, restPort: restPort!, wsPort: wsPort! });
    if (status.rest.state === 'listening' && status.ws.state === 'listening') return [restPort!, wsPort!];
    await started.configure({ enabled: false, restPort: restPort!, wsPort: wsPort! });
    return null;
  });
}

async function post(verb: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${rest}/api/v1/${verb}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** A raw HTTP exchange, for headers fetch will not let a test set (Host) and for slow clients. */
function raw(text: string, waitMs = 2000): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(rest, '127.0.0.1');
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ reply, closed: false });
    }, waitMs);
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ reply, closed: true });
    });
    socket.on('error', () => undefined);
    if (text) socket.write(text);
  });
}

function auditRows(action = 'api.call') {
  api.flushCalls();
  return graph.services.db
    .prepare<[string], { detail: string }>('SELECT detail FROM audit_log WHERE action = ? ORDER BY seq')
    .all(action)
    .map((r) => JSON.parse(r.detail) as Record<string, unknown>);
}

beforeEach(async () => {
  graph = await makeGraph();
});

afterEach(async () => {
  await api?.close();
  graph.close();
});

describe('local API keys', () => {
  it('shows a key once, keeps only its hash, and refuses it once revoked', async () => {
    await startApi();
    const { key, secret } = api.createKey('script', { permission: 'trade', paper: true, connectionIds: [] });
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(api.status())).not.toContain(secret);
    expect((await post('ping', { apikey: secret })).body).toEqual({ status: 'success', data: { broker: 'paper', message: 'pong' } });
    // SECURITY: the key is nowhere on disk: only its SHA-256.
    graph.services.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of fs.readdirSync(graph.dataDir)) {
      const full = path.join(graph.dataDir, file);
      if (fs.statSync(full).isFile()) expect(fs.readFileSync(full).includes(secret), file).toBe(false);
    }
    api.revokeKey(key.id);
    const refused = await post('ping', { apikey: secret });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ status: 'error', message: 'Invalid openalgo apikey' });
    expect(api.status().keys[0]?.revokedAt).not.toBeNull();
  });

  it('binds a key to existing connections only, and a read key cannot become more by itself', async () => {
    await startApi();
    expect(() => api.createKey('x', { permission: 'read', paper: false, connectionIds: ['0'.repeat(32)] })).toThrow(/no longer exists/);
    const { key } = api.createKey('x', { permission: 'read', paper: true, connectionIds: [] });
    expect(api.updateKey(key.id, { permission: 'trade', paper: true, connectionIds: [] }).permission).toBe('trade');
    const actions = graph.services.db.prepare<[], { action: string }>("SELECT action FROM audit_log WHERE action LIKE 'api.key%' ORDER BY seq").all();
    expect(actions.map((a) => a.action)).toEqual(['api.keyCreate', 'api.keyUpdate']);
  });

  it('goes through IPC: create shows the secret, status never does', async () => {
    const created = await graph.ok('localApi:createKey', { label: 'ipc', permission: 'read', paper: true, connectionIds: [] });
    const status = await graph.ok('localApi:status');
    expect(status.keys.map((k) => k.id)).toEqual([created.key.id]);
    expect(JSON.stringify(status)).not.toContain(created.secret);
    const bad = await graph.call('localApi:createKey', { label: 'none', permission: 'read', paper: false, connectionIds: [] });
    expect(bad.ok).toBe(false);
    expect((await graph.ok('localApi:status')).keys).toHaveLength(1);
  });
});

describe('local API refusals', () => {
  let trade: string;
  let read: string;
  beforeEach(async () => {
    await startApi({ rate: { burst: 1000, perSec: 1000 } });
    trade = api.createKey('trade', { permission: 'trade', paper: true, connectionIds: [] }).secret;
    read = api.createKey('read', { permission: 'read', paper: true, connectionIds: [] }).secret;
  });

  it('refuses a Host that is not loopback or the app (DNS rebinding)', async () => {
    const body = JSON.stringify({ apikey: trade });
    const { reply } = await raw(
      `POST /api/v1/ping HTTP/1.1\r\nHost: evil.example:${rest}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(reply).toMatch(/^HTTP\/1.1 403/);
    expect(reply).toContain('"status":"error"');
    const wrongPort = await raw(`POST /api/v1/ping HTTP/1.1\r\nHost: 127.0.0.1:80\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    expect(wrongPort.reply).toMatch(/^HTTP\/1.1 403/);
    const good = await raw(`POST /api/v1/ping HTTP/1.1\r\nHost: localhost:${rest}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    expect(good.reply).toMatch(/^HTTP\/1.1 200/);
  });

  it("refuses a web page's Origin and fetch metadata, and never sends CORS headers", async () => {
    const page = await post('ping', { apikey: trade }, { origin: 'https://evil.example' });
    expect(page.status).toBe(403);
    expect(page.body.status).toBe('error');
    expect((await post('ping', { apikey: trade }, { origin: 'null' })).status).toBe(403);
    expect((await post('ping', { apikey: trade }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const own = await post('ping', { apikey: trade }, { origin: `http://127.0.0.1:${rest}` });
    expect(own.status).toBe(200);
    expect([...own.headers.keys()].filter((h) => h.startsWith('access-control'))).toEqual([]);
  });

  it('refuses malformed JSON, a non-object body, an unknown verb and other methods', async () => {
    expect(await post('ping', '{"apikey":')).toMatchObject({ status: 400, body: { status: 'error', message: 'The request body is not valid JSON.' } });
    expect((await post('ping', '[1]')).status).toBe(400);
    expect(await post('nosuchverb', { apikey: trade })).toMatchObject({ status: 404, body: { status: 'error' } });
    const get = await fetch(`http://127.0.0.1:${rest}/api/v1/ping`);
    expect(get.status).toBe(405);
  });

  it('refuses a body over 64 KB without reading it', async () => {
    const big = JSON.stringify({ apikey: trade, pad: 'x'.repeat(70 * 1024) });
    const res = await post('ping', big);
    expect(res.status).toBe(413);
    expect(res.body.status).toBe('error');
    // Chunked, with no declared length: cut off at the limit.
    const { reply } = await raw(
      `POST /api/v1/ping HTTP/1.1\r\nHost: 127.0.0.1:${rest}\r\nTransfer-Encoding: chunked\r\n\r\n${(70 * 1024).toString(16)}\r\n${'x'.repeat(70 * 1024)}\r\n0\r\n\r\n`,
    );
    expect(reply).toMatch(/^HTTP\/1.1 413/);
  });

  it('closes a slowloris client (headers never finished) and an idle one, and still answers others', async () => {
    const started = Date.now();
    const [slow, idle] = await Promise.all([raw(`POST /api/v1/ping HTTP/1.1\r\nHost: 127.0.0.1:${rest}\r\nX-Slow: `, 3000), raw('', 3000)]);
    expect(slow.closed).toBe(true);
    expect(idle.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(2500);
    expect((await post('ping', { apikey: trade })).status).toBe(200);
  });

  it('refuses a missing or wrong key with 403 in OpenAlgo shape', async () => {
    expect(await post('ping', {})).toMatchObject({ status: 403, body: { status: 'error' } });
    expect(await post('ping', { apikey: 'f'.repeat(64) })).toEqual(
      expect.objectContaining({ status: 403, body: { status: 'error', message: 'Invalid openalgo apikey' } }),
    );
    expect((await post('ping', { apikey: 42 })).status).toBe(403);
  });

  it('names each field of a verb input that is wrong, over HTTP exactly as docs/api.md shows and the verbs answer', async () => {
    const res = await post('placesmartorder', {
      apikey: trade,
      symbol: 'INFY',
      exchange: 'NSE',
      action: 'BUY',
      pricetype: 'MARKET',
      product: 'CNC',
      quantity: 0,
      position_size: 5,
      colour: 'red',
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      status: 'error',
      message: 'Invalid input. quantity: must be above 0; colour: is not a field of this verb.',
      errors: { quantity: ['must be above 0'], colour: ['is not a field of this verb'] },
    });
    const words = await post('placesmartorder', {
      apikey: trade,
      symbol: 'INFY',
      exchange: 'NSE',
      action: 'BUY',
      pricetype: 'MARKET',
      product: 'CNC',
      quantity: 'ten',
      position_size: 5,
    });
    expect(words).toMatchObject({ status: 400, body: { errors: { quantity: [expect.stringMatching(/^must be /)] } } });
  });

  it('refuses an order from a read key', async () => {
    const res = await post('placeorder', { apikey: read, symbol: 'US:AAPL', quantity: 1 });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/read-only/);
    expect(await graph.ok('orders:list', {})).toEqual([]);
  });

  it('places through the one order path with source api, and audits the call without the key', async () => {
    const res = await post('placeorder', { apikey: trade, symbol: 'US:AAPL', quantity: 1 });
    expect(res).toMatchObject({ status: 200, body: { status: 'success' } });
    const orders = await graph.ok('orders:list', {});
    expect(orders.map((o) => [o.source, o.mode])).toEqual([['api', 'paper']]);
    const calls = auditRows();
    expect(calls.at(-1)).toEqual({ keyId: api.status().keys.find((k) => k.label === 'trade')!.id, verb: 'placeorder', status: 200, outcome: 'success' });
    api.flushCalls();
    const everything = JSON.stringify(graph.services.db.prepare('SELECT detail FROM audit_log').all());
    expect(everything).not.toContain(trade);
    expect(everything).not.toContain(read);
  });

  it('stops API trading when the kill switch fires, until the trader resumes it in Settings', async () => {
    await graph.ok('killswitch:engage', { closePositions: false });
    const refused = await post('placeorder', { apikey: trade, symbol: 'US:AAPL', quantity: 1 });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/kill switch/);
    // Reads still work, and so do cancels (cancelling only lowers risk; docs/api.md): refused only for what they are.
    expect((await post('ping', { apikey: trade })).status).toBe(200);
    expect(await post('cancelorder', { apikey: trade, orderid: 'no-such-order' })).toMatchObject({ status: 404, body: { status: 'error' } });
    expect(await post('cancelallorder', { apikey: trade })).toMatchObject({ status: 200, body: { status: 'success' } });
    // Unlocking live does not turn API trading back on.
    await graph.ok('mode:unlock');
    expect((await post('placeorder', { apikey: trade, symbol: 'US:AAPL', quantity: 1 })).status).toBe(403);
    expect(api.status().tradingHalted).toBe(true);
    api.resumeTrading();
    expect((await post('placeorder', { apikey: trade, symbol: 'US:AAPL', quantity: 1 })).status).toBe(200);
  });
});

describe('local API interleavings', () => {
  let trade: string;
  let keyId: string;
  let release: () => void;
  beforeEach(async () => {
    await startApi();
    const created = api.createKey('trade', { permission: 'trade', paper: true, connectionIds: [] });
    trade = created.secret;
    keyId = created.key.id;
    gate = new Promise<void>((resolve) => (release = resolve));
  });
  afterEach(() => {
    gate = Promise.resolve();
  });

  /** Start a slow order, wait until the verb runs, do `meanwhile`, then let the order go on. */
  async function whileRunning(meanwhile: () => Promise<void> | void) {
    const inVerb = new Promise<void>((resolve) => (entered = resolve));
    const pending = post('slowplace', { apikey: trade, symbol: 'US:AAPL', quantity: 1 });
    await inVerb;
    await meanwhile();
    release();
    return pending;
  }

  it('a key revoked while its order request runs sends nothing', async () => {
    const res = await whileRunning(() => void api.revokeKey(keyId));
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/revoked or made read-only/);
    expect(await graph.ok('orders:list', {})).toEqual([]);
  });

  it('a key made read-only while its order request runs sends nothing', async () => {
    const res = await whileRunning(() => void api.updateKey(keyId, { permission: 'read', paper: true, connectionIds: [] }));
    expect(res.status).toBe(403);
    expect(await graph.ok('orders:list', {})).toEqual([]);
  });

  it('the kill switch fired while an order request runs: nothing is sent', async () => {
    const res = await whileRunning(async () => {
      await graph.ok('killswitch:engage', { closePositions: false });
    });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/kill switch/);
    expect(await graph.ok('orders:list', {})).toEqual([]);
  });

  it('without interference the same slow order is placed (the refusals above are not the default)', async () => {
    const res = await whileRunning(() => undefined);
    expect(res.status).toBe(200);
    expect(await graph.ok('orders:list', {})).toHaveLength(1);
  });
});

describe('local API WebSocket on the real graph', () => {
  it('sends an order update for an order the key placed in paper', async () => {
    await startApi();
    const { secret } = api.createKey('trade', { permission: 'trade', paper: true, connectionIds: [] });
    const socket = new WebSocket(`ws://127.0.0.1:${ws}`);
    const messages: Record<string, unknown>[] = [];
    socket.on('message', (d) => messages.push(JSON.parse(d.toString()) as Record<string, unknown>));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ action: 'authenticate', api_key: secret }));
    await arrives(() => expect(messages[0]).toMatchObject({ type: 'auth', status: 'success', broker: 'paper' }));
    socket.send(JSON.stringify({ action: 'subscribe_orders' }));
    await arrives(() => expect(messages[1]).toMatchObject({ type: 'subscribe_orders', status: 'success' }));
    expect((await post('placeorder', { apikey: secret, symbol: 'US:AAPL', quantity: 2 })).status).toBe(200);
    await arrives(() => expect(messages.some((m) => m.type === 'order_update')).toBe(true));
    expect(messages.find((m) => m.type === 'order_update')).toMatchObject({
      data: { symbol: 'US:AAPL', action: 'BUY', quantity: 2, mode: 'analyze', source: 'api' },
    });
    socket.close();
    await arrives(() => expect(api.wsStats().clients).toBe(0));
  });
});

describe('local API rate limit', () => {
  it('answers 429 in OpenAlgo shape once a key has used its burst, per key', async () => {
    await startApi({ rate: { burst: 3, perSec: 1 } });
    const a = api.createKey('a', { permission: 'read', paper: true, connectionIds: [] }).secret;
    const b = api.createKey('b', { permission: 'read', paper: true, connectionIds: [] }).secret;
    for (let i = 0; i < 3; i++) expect((await post('ping', { apikey: a })).status).toBe(200);
    const limited = await post('ping', { apikey: a });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ status: 'error', message: expect.stringMatching(/Rate limit/) });
    expect((await post('ping', { apikey: b })).status).toBe(200);
    graph.clock.advance(1000);
    expect((await post('ping', { apikey: a })).status).toBe(200);
  });
});

describe('local API safety guard', () => {
  it('never lets a verb go live, unlock live or change limits, and re-checks the halt at the last moment', async () => {
    let halted = false;
    const guarded = guardServices(servicesOf(graph), () => halted);
    expect(() => guarded.trading.mode.requestLive('0'.repeat(32))).toThrow(/cannot switch to live/);
    expect(() => guarded.trading.mode.confirmLive('x', 'GO LIVE')).toThrow(/cannot switch to live/);
    expect(() => guarded.trading.mode.unlock()).toThrow(/cannot switch to live/);
    expect(() => guarded.trading.limits.set(graph.services.trading.limits.get())).toThrow(/change limits/);
    expect(guarded.trading.mode.status().mode).toBe('paper');
    halted = true;
    expect(() => guarded.trading.orders.place({ ticketId: 'api-halted-1', symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'MARKET' }, 'api')).toThrow(
      /kill switch/,
    );
    expect(await graph.ok('orders:list', {})).toEqual([]);
  });
});

describe('local API listening again', () => {
  it('takes a port that frees within a moment (a graph reopened while the old one closes)', async () => {
    await startApi();
    const blocker = net.createServer();
    const next = await findFreePort(rest + 100, [ws]);
    await new Promise<void>((r) => blocker.listen(next, '127.0.0.1', () => r()));
    setTimeout(() => blocker.close(), 100);
    const status = await api.configure({ enabled: true, restPort: next, wsPort: ws });
    expect(status.rest).toMatchObject({ state: 'listening', port: next });
    rest = next;
    const { secret } = api.createKey('k', { permission: 'read', paper: true, connectionIds: [] });
    expect((await post('ping', { apikey: secret })).status).toBe(200);
  });
});

describe('local API halt across a restart', () => {
  it('a lock found at start without the flag keeps API trading stopped after live is unlocked', async () => {
    // The app stopped after the kill switch's lock was written and before the API's flag was.
    graph.services.trading.mode.lock('Kill switch engaged.');
    new AppSettings(graph.services.db).delete('localApi.tradingHalted');
    await startApi();
    graph.services.trading.mode.unlock();
    expect(api.status().tradingHalted).toBe(true);
    const { secret } = api.createKey('t', { permission: 'trade', paper: true, connectionIds: [] });
    expect((await post('placeorder', { apikey: secret, symbol: 'US:AAPL', quantity: 1 })).status).toBe(403);
  });
});

describe('local API ports', () => {
  it('is off by default and says plainly when a port is taken, offering a free one', async () => {
    const fresh = new LocalApiService({
      db: graph.services.db,
      settings: new AppSettings(graph.services.db),
      audit: graph.services.audit,
      clock: graph.clock,
      scheduler: systemScheduler(graph.clock),
      log: graph.services.log,
      services: servicesOf(graph),
      verbs: [ping as Verb],
    });
    api = fresh;
    expect(fresh.status().config).toEqual({ enabled: false, restPort: 5000, wsPort: 8765 });
    await fresh.start();
    expect(fresh.status().rest.state).toBe('off');
    const blocker = net.createServer();
    const taken = await findFreePort(testPortNear());
    await new Promise<void>((r) => blocker.listen(taken, '127.0.0.1', () => r()));
    try {
      const wsPort = await findFreePort(taken + 5);
      const status = await fresh.configure({ enabled: true, restPort: taken, wsPort });
      expect(status.rest.state).toBe('port-taken');
      expect(status.rest.message).toMatch(new RegExp(`Port ${taken} is already in use`));
      expect(status.rest.suggestedPort).not.toBeNull();
      expect(status.ws.state).toBe('listening');
      const moved = await fresh.configure({ enabled: true, restPort: status.rest.suggestedPort!, wsPort });
      expect(moved.rest.state).toBe('listening');
    } finally {
      blocker.close();
    }
  });
});
