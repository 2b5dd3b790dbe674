import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { systemClock } from '../../../src/main/clock';
import { systemScheduler } from '../../../src/main/scheduler';
import { SimExchange } from '../exchange';
import {
  serve,
  SimRouter,
  WindowLimiter,
  type SimHandler,
  type SimResponse,
  type SimulatorHandle,
  type SimulatorOptions,
  type StartSimulator,
} from '../harness';
import { marketDataRoutes } from './market-data';
import { AlpacaDataStream } from './stream-data';
import { AlpacaTradeStream } from './stream-trading';
import { fail, tradingRoutes, type AlpacaSimState } from './trading';

export interface AlpacaSimOptions extends SimulatorOptions {
  /** Which trading host this simulator stands for; keys of the other environment get 401. Default paper. */
  environment?: 'paper' | 'live';
  /** Market-data sockets not authenticated within this get 404 "auth timeout". Default 10 s (Alpaca's limit is unconfirmed). */
  authTimeoutMs?: number;
  /** Symbols one market-data connection may subscribe. Default 30 (Alpaca's free plan). */
  symbolLimit?: number;
  /** Interval of streamed trades and quotes, and of the check for fills no request caused. Default 1 s. */
  streamTickMs?: number;
}

export interface AlpacaSimHandle extends SimulatorHandle {
  /** A valid key pair of the other environment (live keys on the paper host or the reverse). */
  otherEnvironmentCredentials: Record<string, string>;
  exchange: SimExchange;
  /** Requests allowed per minute per host (Alpaca: 200). */
  setRateLimit(limit: number): void;
  setAccountStatus(status: string): void;
  streamUrl: string;
  orderStreamUrl: string;
  /** The streams, so tests can push a tick now or drop every socket from the server side. */
  dataStream: AlpacaDataStream;
  tradeStream: AlpacaTradeStream;
}

const KEYS = {
  paper: { apiKeyId: 'PKSIM7Q2W4E6R8T0Y1U3', apiSecretKey: 'simPaperSecret0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o' },
  live: { apiKeyId: 'AKSIM5H7J9K1L3Z5X7C9', apiSecretKey: 'simLiveSecret9z8y7x6w5v4u3t2s1r0q9p8o7n6m5l' },
};

/** Count one request in a one-minute window; also returns what Alpaca's X-RateLimit-* headers carry. */
function hitRateWindow(window: WindowLimiter): { over: boolean; headers: Record<string, string> } {
  const over = window.hit();
  return {
    over,
    headers: {
      'X-RateLimit-Limit': String(window.limit),
      'X-RateLimit-Remaining': String(Math.max(0, window.limit - window.used)),
      'X-RateLimit-Reset': String(Math.ceil(window.windowEnd / 1000)),
    },
  };
}

/** Alpaca simulator: trading API and market-data API (its real paths) under one base URL. */
export async function startAlpaca(options: AlpacaSimOptions = {}): Promise<AlpacaSimHandle> {
  const clock = options.clock ?? systemClock;
  const environment = options.environment ?? 'paper';
  const keys = KEYS[environment];
  const exchange = new SimExchange(clock, 100_000, '4e8a1c2d-7b3f-4c1e-9a2d-000000');
  const state: AlpacaSimState = { exchange, accountStatus: 'ACTIVE', accountNumber: 'PA3SIM42Q7XZ', createdAt: clock.now() - 86_400_000 };
  const windows = { trading: new WindowLimiter(200, 60_000, clock), data: new WindowLimiter(200, 60_000, clock) };

  const scheduler = options.scheduler ?? systemScheduler(clock);
  const dataStream = new AlpacaDataStream({
    exchange,
    scheduler,
    keys,
    authTimeoutMs: options.authTimeoutMs ?? 10_000,
    symbolLimit: options.symbolLimit ?? 30,
    tickMs: options.streamTickMs ?? 1_000,
  });
  const tradeStream = new AlpacaTradeStream({ exchange, scheduler, keys, environment, pollMs: options.streamTickMs ?? 1_000 });
  const wss = new WebSocketServer({ noServer: true });

  const routes = new SimRouter();
  tradingRoutes(routes, state);
  marketDataRoutes(routes, exchange, () => clock.now());

  // Every request: key headers, then the per-host rate limit, then the route; X-Request-ID on every reply.
  const guarded: SimHandler = async (req) => {
    const isData = req.path.startsWith('/v2/stocks/');
    let out: SimResponse;
    const limit = hitRateWindow(windows[isData ? 'data' : 'trading']);
    if (req.headers['apca-api-key-id'] !== keys.apiKeyId || req.headers['apca-api-secret-key'] !== keys.apiSecretKey) {
      out = fail(401, 40110000, 'request is not authorized');
    } else if (limit.over) {
      out = { status: 429, json: { code: 42910000, message: 'rate limit exceeded' } };
    } else {
      const found = routes.match(req.method, req.path);
      out = found ? await found.handler({ ...req, params: found.params }) : fail(404, 40410000, 'endpoint not found');
    }
    // An order placed or cancelled over REST shows up on the trade_updates stream.
    tradeStream.publishChanges();
    return { ...out, headers: { ...limit.headers, 'X-Request-ID': randomUUID().replace(/-/g, ''), ...out.headers } };
  };
  // An empty outer router sends every request to `guarded`; WebSocket upgrades go to the two streams.
  const server = await serve(new SimRouter(), {
    port: options.port,
    notFound: guarded,
    upgrade: (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path !== '/stream' && !dataStream.handles(path)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => (path === '/stream' ? tradeStream.accept(ws) : dataStream.accept(ws, req, path)));
    },
  });
  const wsBase = server.baseUrl.replace(/^http/, 'ws');

  return {
    ...server,
    // Upgraded sockets are no longer the HTTP server's connections: end them first.
    close: async () => {
      dataStream.close();
      tradeStream.close();
      wss.close();
      await server.close();
    },
    broker: 'alpaca',
    streamUrl: `${wsBase}/v2/iex`,
    orderStreamUrl: `${wsBase}/stream`,
    dataStream,
    tradeStream,
    credentials: { ...keys },
    session: {},
    otherEnvironmentCredentials: { ...KEYS[environment === 'paper' ? 'live' : 'paper'] },
    exchange,
    setRateLimit: (limit) => {
      windows.trading.limit = limit;
      windows.data.limit = limit;
    },
    setAccountStatus: (status) => {
      state.accountStatus = status;
    },
  };
}

export const start: StartSimulator = (options) => startAlpaca(options);
