import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ManualClock } from '../../../src/main/clock';
import { BrokerSocket, type BrokerSocketOptions, type SocketEndReason } from '../../../src/main/streaming/broker-socket';
import { ManualScheduler } from '../../support/manual-scheduler';

const arrives = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 5 });

interface Server {
  url: string;
  sockets: WebSocket[];
  pings: number;
  received: string[];
  headers: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A loopback server that refuses upgrades with `refuse` (an HTTP status), or accepts and records. */
async function server(refuse?: number): Promise<Server> {
  const http_ = http.createServer();
  const wss = new WebSocketServer({ noServer: true });
  const state: Server = {
    url: '',
    sockets: [],
    pings: 0,
    received: [],
    headers: [],
    close: async () => {
      for (const s of state.sockets) s.terminate();
      wss.close();
      await new Promise<void>((resolve) => http_.close(() => resolve()));
    },
  };
  http_.on('upgrade', (req, socket, head) => {
    state.headers.push(req.headers);
    if (refuse) {
      socket.end(`HTTP/1.1 ${refuse} No\r\nx-error-message: Invalid Feed Token\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      state.sockets.push(ws);
      ws.on('ping', () => state.pings++);
      ws.on('message', (data) => state.received.push(String(data)));
    });
  });
  await new Promise<void>((resolve) => http_.listen(0, '127.0.0.1', resolve));
  state.url = `ws://127.0.0.1:${(http_.address() as AddressInfo).port}/feed`;
  return state;
}

describe('BrokerSocket', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function open(refuse: number | undefined, extra: Partial<BrokerSocketOptions> = {}) {
    const srv = await server(refuse);
    const scheduler = new ManualScheduler(new ManualClock(0));
    const ends: SocketEndReason[] = [];
    const messages: (string | Buffer)[] = [];
    let opened = 0;
    const socket = new BrokerSocket({
      url: srv.url,
      scheduler,
      onOpen: () => opened++,
      onMessage: (m) => messages.push(m),
      onEnd: (r) => ends.push(r),
      ...extra,
    });
    cleanup.push(
      () => socket.close(),
      () => srv.close(),
    );
    return { srv, scheduler, socket, ends, messages, opened: () => opened };
  }

  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [429, 'refused'],
    [500, 'dropped'],
  ] as const)('a refused upgrade (HTTP %i) ends once with %s', async (status, reason) => {
    const { ends, opened } = await open(status);
    await arrives(() => expect(ends).toEqual([reason]));
    expect(opened()).toBe(0);
  });

  it('a broker-specific reading of the refusal wins, with the response headers to go on', async () => {
    const { ends } = await open(401, { handshakeReason: (status, headers) => (headers['x-error-message'] === 'Invalid Feed Token' ? 'refused' : 'auth') });
    await arrives(() => expect(ends).toEqual(['refused']));
  });

  it('sends the upgrade headers, delivers text as strings and binary as Buffers', async () => {
    const { srv, socket, messages, opened } = await open(undefined, { headers: { 'X-Kite-Version': '3' } });
    await arrives(() => expect(opened()).toBe(1));
    expect(srv.headers[0]!['x-kite-version']).toBe('3');
    socket.send('{"a":"subscribe"}');
    srv.sockets[0]!.send('hello');
    srv.sockets[0]!.send(Buffer.from([1, 2, 3]));
    await arrives(() => expect(messages).toEqual(['hello', Buffer.from([1, 2, 3])]));
    await arrives(() => expect(srv.received).toEqual(['{"a":"subscribe"}']));
  });

  it('a peer that goes silent past the watchdog is terminated and reported dropped; traffic keeps it alive', async () => {
    const { srv, scheduler, ends, opened, messages } = await open(undefined, { silenceMs: 5_000 });
    await arrives(() => expect(opened()).toBe(1));
    await scheduler.advance(4_000);
    srv.sockets[0]!.send('x');
    // The traffic has reached the client (a loaded machine may take longer than any fixed pause).
    await arrives(() => expect(messages).toEqual(['x']));
    await scheduler.advance(4_000);
    expect(ends).toEqual([]);
    await scheduler.advance(1_500);
    expect(ends).toEqual(['dropped']);
    await arrives(() => expect(srv.sockets[0]!.readyState).toBe(3));
  });

  it('keeps alive with ping frames on the scheduler; a pong proves the peer alive', async () => {
    const { srv, scheduler, ends, opened } = await open(undefined, { keepAlive: { everyMs: 1_000, send: 'ping-frame' }, silenceMs: 2_500 });
    await arrives(() => expect(opened()).toBe(1));
    for (let i = 0; i < 5; i++) {
      await scheduler.advance(1_000);
      await arrives(() => expect(srv.pings).toBe(i + 1));
    }
    expect(ends).toEqual([]);
  });

  it('close() by the owner reports nothing and delivers nothing more; end() reports once', async () => {
    const first = await open(undefined);
    await arrives(() => expect(first.opened()).toBe(1));
    first.socket.close();
    first.srv.sockets[0]?.send('late');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(first.ends).toEqual([]);
    expect(first.messages).toEqual([]);

    const second = await open(undefined);
    await arrives(() => expect(second.opened()).toBe(1));
    second.socket.end('auth');
    second.socket.end('dropped');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(second.ends).toEqual(['auth']);
  });
});
