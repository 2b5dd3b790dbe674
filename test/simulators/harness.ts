import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '../../src/main/clock';
import type { Scheduler } from '../../src/main/scheduler';

/** A parsed request as every simulator sees it. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The query string exactly as sent (without "?"), for protocols that sign the raw bytes. */
  rawQuery: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  rawBody: string;
  params: Record<string, string>;
  /** Body as JSON (throws on malformed JSON: simulators answer that the way their broker does). */
  json<T = Record<string, unknown>>(): T;
  /** Body as an URL-encoded form. */
  form(): URLSearchParams;
}

export interface SimResponse {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  /** Absolute or relative URL for a 302 redirect. */
  redirect?: string;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: SimHandler;
}

/** A tiny method + path router; `:name` segments become `req.params.name`. */
export class SimRouter {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: SimHandler): this {
    const keys: string[] = [];
    const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([a-zA-Z_]+)/g, (_m, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), keys, handler });
    return this;
  }

  match(method: string, path: string): { handler: SimHandler; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method && route.method !== '*') continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => (params[key] = decodeURIComponent(m[i + 1]!)));
      return { handler: route.handler, params };
    }
    return null;
  }
}

export interface RunningServer {
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

/** Takes over an HTTP upgrade (a WebSocket on the same port as the REST routes). */
export type SimUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Serve a router on 127.0.0.1. `notFound` answers unmatched paths in the broker's own shape; `upgrade`
 * takes WebSocket upgrades (without it they are refused by Node); `attach` hands the HTTP server to a library that
 * wraps its listeners (socket.io).
 */
export async function serve(
  router: SimRouter,
  options: { port?: number; notFound?: SimHandler; upgrade?: SimUpgrade; attach?: (server: http.Server) => void } = {},
): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : (v ?? '');
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const found = router.match(req.method ?? 'GET', url.pathname);
        const simReq: SimRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          rawQuery: url.search.slice(1),
          headers,
          rawBody,
          params: found?.params ?? {},
          json: <T>() => JSON.parse(rawBody || '{}') as T,
          form: () => new URLSearchParams(rawBody),
        };
        let out: SimResponse;
        try {
          out = found ? await found.handler(simReq) : options.notFound ? await options.notFound(simReq) : { status: 404, json: { error: 'not found' } };
        } catch (error) {
          out = { status: 500, json: { error: 'simulator error', detail: String(error) } };
        }
        if (out.redirect) {
          res.writeHead(out.status ?? 302, { location: out.redirect, ...out.headers });
          res.end();
          return;
        }
        const isJson = out.json !== undefined;
        const body = isJson ? JSON.stringify(out.json) : (out.text ?? '');
        res.writeHead(out.status ?? 200, {
          'content-type': isJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
          ...out.headers,
        });
        res.end(body);
      })();
    });
  });
  if (options.upgrade) server.on('upgrade', options.upgrade);
  // socket.io (XTS) serves long-polling as well as upgrades, so it takes the server itself, ahead of the router.
  options.attach?.(server);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What `npm run sim` prints and what tests use to point an adapter at a simulator. */
export interface SimulatorHandle extends RunningServer {
  broker: string;
  /** Test credentials under the broker's own field names. */
  credentials: Record<string, string>;
  /** A pre-issued valid session (access token, JWT…) under the broker's own names. */
  session: Record<string, string>;
  /** The market-data socket as the broker's SDK opens it (streaming simulators only). */
  streamUrl?: string;
  /** The order-update socket, where it differs from `streamUrl`. */
  orderStreamUrl?: string;
}

export interface SimulatorOptions {
  port?: number;
  clock?: Clock;
  /** Timers of streaming simulators (ticks, auth timeouts); tests pass a manual one. */
  scheduler?: Scheduler;
}

export type StartSimulator = (options?: SimulatorOptions) => Promise<SimulatorHandle>;

/** Fixed-window request counter answering like a broker's rate limiter. */
export class WindowLimiter {
  private windowStart: number;
  private count = 0;
  constructor(
    /** Requests allowed per window; simulators may change it while running. */
    public limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    /** -Infinity opens the first window at the first request instead of at time 0. */
    firstWindowStart = 0,
  ) {
    this.windowStart = firstWindowStart;
  }
  /** Requests counted in the current window, including those over the limit (for quota headers). */
  get used(): number {
    return this.count;
  }
  /** When the current window closes. */
  get windowEnd(): number {
    return this.windowStart + this.windowMs;
  }
  /** True when this request is over the limit. */
  hit(): boolean {
    const now = this.clock.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count++;
    return this.count > this.limit;
  }
}
