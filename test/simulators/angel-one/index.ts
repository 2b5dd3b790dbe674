import { WebSocketServer } from 'ws';
import { systemClock } from '../../../src/main/clock';
import { systemScheduler } from '../../../src/main/scheduler';
import { SimExchange } from '../exchange';
import {
  serve,
  SimRouter,
  WindowLimiter,
  type SimHandler,
  type SimRequest,
  type SimulatorHandle,
  type SimulatorOptions,
  type StartSimulator,
} from '../harness';
import { candleData, quote } from './market';
import { AngelOrderStream } from './order-stream';
import { AngelRoboBook } from './robo';
import { fail, gatewayFail, ok, RATE_LIMITED } from './replies';
import { SCRIP_MASTER } from './scrip';
import { AngelSessions, totpMatches } from './sessions';
import { AngelSmartStream } from './smart-stream';
import { cancelOrder, holdings, modifyOrder, orderBook, placeOrder, positions, rms, tradeBook } from './trading';

export interface AngelCredentials {
  api_key: string;
  clientcode: string;
  mpin: string;
  totp_secret: string;
  static_ip: string;
}

export interface AngelSimulatorHandle extends SimulatorHandle {
  credentials: Record<keyof AngelCredentials, string>;
  /** Pretend midnight IST passed: every JWT and refresh token stops working. */
  expireSessions(): void;
  /** The source IP the simulator sees for the next calls (orders are only accepted from the registered one). */
  setCallerIp(ip: string): void;
  exchange: SimExchange;
  streamUrl: string;
  orderStreamUrl: string;
  /** The sockets, so tests can drop them from the server side or make the feed hang. */
  smartStream: AngelSmartStream;
  orderStream: AngelOrderStream;
  /** ROBO (bracket) orders and the legs they armed. */
  robo: AngelRoboBook;
}

export interface AngelSimulatorOptions extends SimulatorOptions {
  credentials?: Partial<AngelCredentials>;
  /** Token×mode subscriptions per SmartStream session (default 1000, Angel's approximate quota). */
  subscriptionLimit?: number;
  /** Sockets per client code on each stream (default 3). */
  streamConnectionLimit?: number;
  /** Interval of streamed packets and of the order-status check for fills no request caused (default 1 s). */
  streamTickMs?: number;
}

export const DEFAULT_CREDENTIALS: AngelCredentials = {
  api_key: 'simKey42',
  clientcode: 'S123456',
  mpin: '1234',
  totp_secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  static_ip: '203.0.113.10',
};

const PREFIX = '/rest/secure/angelbroking';
const REQUIRED_HEADERS = ['x-usertype', 'x-sourceid', 'x-clientlocalip', 'x-clientpublicip', 'x-macaddress'];

type Bucket = 'login' | 'refresh' | 'profile' | 'rms' | 'orders' | 'book' | 'positions' | 'quote' | 'tradeBook' | 'holding' | 'candles';

async function startAngelOne(options: AngelSimulatorOptions = {}): Promise<AngelSimulatorHandle> {
  const clock = options.clock ?? systemClock;
  const creds: AngelCredentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const exchange = new SimExchange(clock, 1_000_000, '2601050');
  const sessions = new AngelSessions(clock);
  let callerIp = creds.static_ip;
  const scheduler = options.scheduler ?? systemScheduler(clock);
  const wss = new WebSocketServer({ noServer: true });
  const streamTickMs = options.streamTickMs ?? 1_000;
  const connectionLimit = options.streamConnectionLimit ?? 3;
  const smartStream = new AngelSmartStream(wss, {
    scheduler,
    sessions,
    apiKey: creds.api_key,
    subscriptionLimit: options.subscriptionLimit ?? 1_000,
    connectionLimit,
    tickMs: streamTickMs,
  });
  const robo = new AngelRoboBook(exchange);
  const orderStream = new AngelOrderStream(wss, { exchange, scheduler, sessions, connectionLimit, pollMs: streamTickMs, settle: () => robo.settle() });

  // Documented per-endpoint limits; the order calls share one 9/s + 500/min budget.
  const limiters: Record<Bucket, WindowLimiter[]> = {
    login: [new WindowLimiter(1, 1000, clock)],
    refresh: [new WindowLimiter(1, 1000, clock)],
    profile: [new WindowLimiter(3, 1000, clock)],
    rms: [new WindowLimiter(2, 1000, clock)],
    orders: [new WindowLimiter(9, 1000, clock), new WindowLimiter(500, 60_000, clock)],
    book: [new WindowLimiter(1, 1000, clock)],
    positions: [new WindowLimiter(1, 1000, clock)],
    quote: [new WindowLimiter(1, 1000, clock)],
    tradeBook: [new WindowLimiter(1, 1000, clock)],
    holding: [new WindowLimiter(1, 1000, clock)],
    candles: [new WindowLimiter(3, 1000, clock), new WindowLimiter(180, 60_000, clock)],
  };
  const overLimit = (bucket: Bucket) => limiters[bucket].map((l) => l.hit()).some(Boolean);

  /** Every call: API key and X-* headers, then the rate limiter; secure calls also need a live JWT. */
  const guard = (bucket: Bucket, opts: { secure: boolean; order?: boolean }, handler: SimHandler): SimHandler => {
    return async (req: SimRequest) => {
      if (req.headers['x-privatekey'] !== creds.api_key) return gatewayFail('AG8004', 'Invalid API Key');
      const missing = REQUIRED_HEADERS.find((h) => !req.headers[h]);
      if (missing) return fail('AB2000', `Required header ${missing} is missing`, 400);
      if (overLimit(bucket)) return RATE_LIMITED;
      if (opts.secure) {
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const session = sessions.check(bearer);
        if (session === 'missing') return gatewayFail('AG8003', 'Token missing');
        if (session === 'invalid') return gatewayFail('AG8001', 'Invalid Token');
      }
      // SEBI rule: order calls only from the registered static IP (checked on the source address).
      if (opts.order && callerIp !== creds.static_ip) {
        return gatewayFail('AG7002', 'Access denied: Unregistered IP address. Register your IP before retrying.', 403);
      }
      robo.settle();
      const out = await handler(req);
      // An order placed, cancelled or filled over REST shows up on the order-status socket (ROBO legs settled first).
      orderStream.publishChanges();
      return out;
    };
  };

  const router = new SimRouter()
    .on(
      'POST',
      '/rest/auth/angelbroking/user/v1/loginByPassword',
      guard('login', { secure: false }, async (req) => {
        const b = req.json<Record<string, unknown>>();
        if (b.clientcode !== creds.clientcode || b.password !== creds.mpin) return fail('AB1000', 'Invalid clientcode or password');
        if (!(await totpMatches(creds.totp_secret, b.totp, clock.now()))) return fail('AB1050', 'Invalid totp');
        return ok({ ...sessions.issue(creds.clientcode), state: typeof b.state === 'string' ? b.state : '' });
      }),
    )
    .on(
      'POST',
      '/rest/auth/angelbroking/jwt/v1/generateTokens',
      guard('refresh', { secure: false }, (req) => {
        if (!req.headers.authorization) return gatewayFail('AG8003', 'Token missing');
        const renewed = sessions.refresh(req.json<{ refreshToken?: string }>().refreshToken);
        if (renewed === 'invalid') return fail('AB8050', 'Invalid refresh token');
        if (renewed === 'expired') return fail('AB8051', 'Refresh token expired');
        return ok(renewed);
      }),
    )
    .on(
      'GET',
      `${PREFIX}/user/v1/getProfile`,
      guard('profile', { secure: true }, () =>
        ok({
          clientcode: creds.clientcode,
          name: 'SIM TRADER',
          email: '',
          mobileno: '',
          exchanges: ['NSE', 'BSE', 'NFO'],
          products: ['DELIVERY', 'INTRADAY', 'MARGIN'],
          lastlogintime: '',
          brokerid: 'B2C',
        }),
      ),
    )
    .on(
      'GET',
      `${PREFIX}/user/v1/getRMS`,
      guard('rms', { secure: true }, () => rms(exchange)),
    )
    .on(
      'POST',
      `${PREFIX}/order/v1/placeOrder`,
      guard('orders', { secure: true, order: true }, (req) => placeOrder(exchange, req, robo)),
    )
    .on(
      'POST',
      `${PREFIX}/order/v1/modifyOrder`,
      guard('orders', { secure: true, order: true }, (req) => modifyOrder(exchange, req)),
    )
    .on(
      'POST',
      `${PREFIX}/order/v1/cancelOrder`,
      guard('orders', { secure: true, order: true }, (req) => cancelOrder(exchange, req)),
    )
    .on(
      'GET',
      `${PREFIX}/order/v1/getOrderBook`,
      guard('book', { secure: true }, () => orderBook(exchange)),
    )
    .on(
      'GET',
      `${PREFIX}/order/v1/getPosition`,
      guard('positions', { secure: true }, () => positions(exchange)),
    )
    .on(
      'GET',
      `${PREFIX}/order/v1/getTradeBook`,
      guard('tradeBook', { secure: true }, () => tradeBook(exchange)),
    )
    .on(
      'GET',
      `${PREFIX}/portfolio/v1/getHolding`,
      guard('holding', { secure: true }, () => holdings(exchange)),
    )
    // The official JS SDK posts without the trailing slash the docs show: accept both.
    .on(
      'POST',
      `${PREFIX}/market/v1/quote/`,
      guard('quote', { secure: true }, (req) => quote(exchange, clock.now(), req)),
    )
    .on(
      'POST',
      `${PREFIX}/market/v1/quote`,
      guard('quote', { secure: true }, (req) => quote(exchange, clock.now(), req)),
    )
    // Served on margincalculator.angelbroking.com in production; same path under this base URL.
    .on(
      'POST',
      `${PREFIX}/historical/v1/getCandleData`,
      guard('candles', { secure: true }, (req) => candleData(clock.now(), req)),
    )
    .on('GET', '/OpenAPI_File/files/OpenAPIScripMaster.json', () => ({ json: SCRIP_MASTER }));

  const server = await serve(router, {
    port: options.port,
    notFound: () => ({ status: 404, json: { status: false, message: 'Not Found', errorcode: 'AB2000', data: null } }),
    upgrade: (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === '/smart-stream') return smartStream.upgrade(req, socket, head);
      if (path === '/smart-order-update') return orderStream.upgrade(req, socket, head);
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    },
  });
  const wsBase = server.baseUrl.replace(/^http/, 'ws');
  return {
    ...server,
    // Upgraded sockets are no longer the HTTP server's connections: end them first.
    close: async () => {
      smartStream.close();
      orderStream.close();
      wss.close();
      await server.close();
    },
    streamUrl: `${wsBase}/smart-stream`,
    orderStreamUrl: `${wsBase}/smart-order-update`,
    smartStream,
    orderStream,
    robo,
    broker: 'angel-one',
    credentials: { ...creds },
    session: sessions.issue(creds.clientcode),
    expireSessions: () => sessions.expireAll(),
    setCallerIp: (ip: string) => {
      callerIp = ip;
    },
    exchange,
  };
}

/** `start` for the registry; tests may also pass `credentials` (e.g. canary values). */
export const start = startAngelOne satisfies StartSimulator;
