import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { AngelSessions } from './sessions';
import { findScrip } from './scrip';
import { EXCHANGE_SEGMENTS, tickPacket } from './stream-wire';

export interface SmartStreamOptions {
  scheduler: Scheduler;
  sessions: AngelSessions;
  apiKey: string;
  /** Token×mode subscriptions one session may hold (Angel: about 1000, E1002 beyond; the exact quota is unconfirmed). */
  subscriptionLimit: number;
  /** Concurrent sockets per client code (3 per Angel's forum, unconfirmed); the next upgrade gets HTTP 429. */
  connectionLimit: number;
  /** How often every subscribed token gets a packet. */
  tickMs: number;
}

interface Client {
  socket: WebSocket;
  clientcode: string;
  /** `${mode}|${exchangeType}|${token}`: each token×mode counts once, duplicates are ignored. */
  subs: Set<string>;
  sequence: number;
}

/** The four texts Angel puts in `x-error-message` on a refused upgrade. */
export const AUTH_ERRORS = {
  jwt: 'Invalid Header - Invalid Auth token',
  clientCode: 'Invalid Client Code',
  apiKey: 'Invalid API Key',
  feedToken: 'Invalid Feed Token',
} as const;

/** Angel's request errors (E1001/E1002); the message wording is unconfirmed, the codes are documented. */
export const REQUEST_ERRORS = {
  E1001: 'Invalid Request Payload.',
  E1002: 'Invalid Request. Subscription Limit Exceeded.',
} as const;

/** Refuse an upgrade the way Angel does: an HTTP status and, for auth, the reason in a header. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string, errorMessage?: string): void {
  const extra = errorMessage ? `x-error-message: ${errorMessage}\r\n` : '';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
}

interface ParsedRequest {
  correlationID: unknown;
  /** The token×mode keys (`mode|exchangeType|token`) to add or remove, or null when the payload is invalid (E1001). */
  request: { action: 0 | 1; keys: string[] } | null;
}

/** One text request: `{correlationID, action, params: {mode, tokenList: [{exchangeType, tokens}]}}`. */
function parseRequest(text: string): ParsedRequest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return { correlationID: '', request: null };
  }
  const correlationID = (m as { correlationID?: unknown } | null)?.correlationID ?? '';
  return { correlationID, request: readRequest(m) };
}

function readRequest(m: unknown): ParsedRequest['request'] {
  const req = m as { action?: unknown; params?: { mode?: unknown; tokenList?: unknown } } | null;
  if (typeof req !== 'object' || req === null || (req.action !== 0 && req.action !== 1)) return null;
  const mode = req.params?.mode;
  const list = req.params?.tokenList;
  if (typeof mode !== 'number' || ![1, 2, 3, 4].includes(mode) || !Array.isArray(list) || list.length === 0) return null;
  const keys: string[] = [];
  for (const entry of list as { exchangeType?: unknown; tokens?: unknown }[]) {
    const ex = entry?.exchangeType;
    if (typeof ex !== 'number' || !(ex in EXCHANGE_SEGMENTS) || !Array.isArray(entry.tokens)) return null;
    if (entry.tokens.some((t) => typeof t !== 'string' || t === '')) return null;
    // Depth (mode 4) is nse_cm only, at most 50 tokens (JS SDK rule).
    if (mode === 4 && (ex !== 1 || entry.tokens.length > 50)) return null;
    for (const t of entry.tokens as string[]) keys.push(`${mode}|${ex}|${t}`);
  }
  return { action: req.action, keys };
}

/**
 * Angel's SmartStream 2.0 (`/smart-stream`): auth at the upgrade (headers, or the browser's query form), JSON
 * subscribe/unsubscribe per mode, one binary packet per message, `ping` → `pong`.
 */
export class AngelSmartStream {
  private readonly clients = new Set<Client>();
  private tickTimer: TimerHandle | null = null;
  private silent = false;
  /** Text `ping`s received, answered or not (tests check the client's keep-alive with it). */
  pingsReceived = 0;

  constructor(
    private readonly wss: WebSocketServer,
    private readonly options: SmartStreamOptions,
  ) {}

  /** Check the upgrade's credentials; refuse with 401 (+ x-error-message) or 429, or take the socket. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const h = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    const { sessions, apiKey } = this.options;
    const queryForm = h('x-feed-token') === undefined && q('feedToken') !== undefined;
    const feedToken = queryForm ? q('feedToken') : h('x-feed-token');
    const clientCode = queryForm ? q('clientCode') : h('x-client-code');
    const key = queryForm ? q('apiKey') : h('x-api-key');
    const authorization = h('authorization');
    // The JS SDK sends the JWT bare, docs show it either way: accept both. The query form carries no JWT, and the
    // stored Python SDK sends only client code and feed token, so a JWT and key are checked when they are sent.
    const jwt = authorization?.replace(/^Bearer\s+/i, '');
    const feed = sessions.checkFeed(feedToken);
    let error: string | null = null;
    if (authorization !== undefined && typeof sessions.check(jwt) === 'string') error = AUTH_ERRORS.jwt;
    else if (key !== undefined && key !== apiKey) error = AUTH_ERRORS.apiKey;
    else if (!feed) error = AUTH_ERRORS.feedToken;
    else if (clientCode !== feed.clientcode) error = AUTH_ERRORS.clientCode;
    if (error) return refuseUpgrade(socket, 401, 'Unauthorized', error);
    const code = clientCode!;
    if ([...this.clients].filter((c) => c.clientcode === code).length >= this.options.connectionLimit) {
      return refuseUpgrade(socket, 429, 'Too Many Requests');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, code));
  }

  private accept(socket: WebSocket, clientcode: string): void {
    const client: Client = { socket, clientcode, subs: new Set(), sequence: 0 };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData, isBinary: boolean) => this.onMessage(client, data, isBinary));
  }

  /** Server-side drop of every socket (a network cut, a restart, midnight's session end). */
  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  /** Stop answering: no ticks and no pongs, the socket stays open (what a hung server looks like). */
  setSilent(silent: boolean): void {
    this.silent = silent;
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  /** Every subscription key (`mode|exchangeType|token`) across sockets, for tests. */
  subscriptions(): string[] {
    return [...this.clients].flatMap((c) => [...c.subs]).sort();
  }

  private send(c: Client, data: string | Buffer): void {
    if (c.socket.readyState === WebSocket.OPEN) c.socket.send(data);
  }

  private onMessage(c: Client, data: RawData, isBinary: boolean): void {
    const text = (Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[])).toString('utf8');
    if (!isBinary && text === 'ping') {
      this.pingsReceived++;
      if (!this.silent) this.send(c, 'pong');
      return;
    }
    const { correlationID, request: req } = isBinary ? { correlationID: '', request: null } : parseRequest(text);
    const fail = (errorCode: keyof typeof REQUEST_ERRORS) =>
      this.send(c, JSON.stringify({ correlationID, errorCode, errorMessage: REQUEST_ERRORS[errorCode] }));
    if (!req) return fail('E1001');
    if (req.action === 0) {
      for (const k of req.keys) c.subs.delete(k);
      return;
    }
    const next = new Set([...c.subs, ...req.keys]);
    if (next.size > this.options.subscriptionLimit) return fail('E1002');
    c.subs = next;
    this.armTicks();
  }

  private armTicks(): void {
    if (this.tickTimer !== null) return;
    this.tickTimer = this.options.scheduler.setTimeout(() => {
      this.tickTimer = null;
      this.tick();
      if (this.clients.size > 0) this.armTicks();
    }, this.options.tickMs);
  }

  /** One packet per subscribed token the scrip master knows (unknown tokens stay quiet, as on Angel). */
  tick(): void {
    if (this.silent) return;
    const at = this.options.scheduler.now();
    for (const c of this.clients) {
      for (const key of c.subs) {
        const [mode, ex, token] = key.split('|');
        if (mode === '4') continue; // depth packets are not simulated
        const scrip = findScrip(EXCHANGE_SEGMENTS[Number(ex)], token);
        if (!scrip) continue;
        this.send(c, tickPacket({ mode: Number(mode) as 1 | 2 | 3, exchangeType: Number(ex), scrip, sequence: ++c.sequence, at }));
      }
    }
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.dropAll();
  }
}
