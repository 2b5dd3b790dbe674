import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { nowMs } from './stats';
import { encodeStamp } from './stamp';

/**
 * Child process of the streaming benchmark: a market-data server speaking Alpaca's JSON stream protocol (greeting,
 * auth by message, subscribe/unsubscribe, arrays of `{T:'t'}` trades) that sends trades at a set rate, round-robin
 * over each socket's subscribed symbols. The Alpaca simulator streams only the four symbols it knows, on a timer that
 * sends all of them at once; this one sends any symbol, spread into small frames at a steady rate.
 *
 * Each trade's price carries its send time on the monotonic clock (see stamp.ts); its `t` is the wall time.
 * Controlled over the fork IPC channel: {id, cmd: 'rate', rate} | {id, cmd: 'drop'} | {id, cmd: 'stats'}.
 */

/** A frame goes out every this many ms carrying the trades due by then (50 per frame at 10,000 ticks/s). */
const FRAME_MS = 5;
/** After a stall, catch up at most this much: a long pause is not followed by one giant frame. */
const MAX_CATCH_UP_MS = 200;

interface Client {
  socket: WebSocket;
  authenticated: boolean;
  symbols: string[];
  cursor: number;
  /** Trades sent since the rate was last set (or since this socket subscribed). */
  sentInPhase: number;
  phaseStart: number;
}

const clients = new Set<Client>();
let rate = 0;
let sent = 0;
let seq = 0;

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
server.on('connection', (socket) => {
  const client: Client = { socket, authenticated: false, symbols: [], cursor: 0, sentInPhase: 0, phaseStart: nowMs() };
  clients.add(client);
  socket.on('close', () => clients.delete(client));
  socket.on('error', () => undefined);
  socket.on('message', (data: RawData) => onMessage(client, data));
  socket.send(JSON.stringify([{ T: 'success', msg: 'connected' }]));
});

function onMessage(c: Client, data: RawData): void {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(String(data)) as Record<string, unknown>;
  } catch {
    c.socket.send(JSON.stringify([{ T: 'error', code: 400, msg: 'invalid syntax' }]));
    return;
  }
  if (m.action === 'auth') {
    c.authenticated = typeof m.key === 'string' && m.key.length > 0;
    c.socket.send(JSON.stringify([c.authenticated ? { T: 'success', msg: 'authenticated' } : { T: 'error', code: 402, msg: 'auth failed' }]));
    return;
  }
  if (!c.authenticated) return void c.socket.send(JSON.stringify([{ T: 'error', code: 401, msg: 'not authenticated' }]));
  const trades = Array.isArray(m.trades) ? (m.trades as string[]) : [];
  const set = new Set(c.symbols);
  for (const s of trades) {
    if (m.action === 'subscribe') set.add(s);
    else set.delete(s);
  }
  c.symbols = [...set];
  c.cursor = 0;
  c.sentInPhase = 0;
  c.phaseStart = nowMs();
  c.socket.send(JSON.stringify([{ T: 'subscription', trades: c.symbols, quotes: [], bars: [] }]));
}

function pump(): void {
  const now = nowMs();
  const wall = new Date().toISOString();
  for (const c of clients) {
    if (!c.authenticated || c.symbols.length === 0 || rate === 0) continue;
    if (now - c.phaseStart > 0 && c.sentInPhase < (rate * (now - c.phaseStart - MAX_CATCH_UP_MS)) / 1000) {
      c.sentInPhase = Math.floor((rate * (now - c.phaseStart - MAX_CATCH_UP_MS)) / 1000);
    }
    const due = Math.floor((rate * (now - c.phaseStart)) / 1000) - c.sentInPhase;
    if (due <= 0) continue;
    const p = encodeStamp(now);
    const out: object[] = new Array(due);
    for (let k = 0; k < due; k++) {
      const S = c.symbols[c.cursor]!;
      c.cursor = (c.cursor + 1) % c.symbols.length;
      out[k] = { T: 't', S, i: ++seq, x: 'V', p, s: 100, c: ['@'], z: 'C', t: wall };
    }
    c.sentInPhase += due;
    sent += due;
    c.socket.send(JSON.stringify(out));
  }
  setTimeout(pump, FRAME_MS);
}

type Command = { id: number; cmd: 'rate'; rate: number } | { id: number; cmd: 'drop' } | { id: number; cmd: 'stats' };

process.on('message', (raw) => {
  const message = raw as Command;
  if (message.cmd === 'rate') {
    rate = message.rate;
    for (const c of clients) {
      c.sentInPhase = 0;
      c.phaseStart = nowMs();
    }
    process.send!({ id: message.id });
  } else if (message.cmd === 'drop') {
    // What a network cut looks like to the app: the server side ends every socket without a close frame.
    const at = nowMs();
    for (const c of clients) c.socket.terminate();
    process.send!({ id: message.id, at });
  } else if (message.cmd === 'stats') {
    process.send!({ id: message.id, sent, clients: clients.size });
  }
});
process.on('disconnect', () => process.exit(0));

server.on('listening', () => {
  process.send!({ ready: true, port: (server.address() as AddressInfo).port });
  pump();
});
