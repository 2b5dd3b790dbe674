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
import { authHostRoutes, type ConsentApp } from './consent';
import { DhanFeed } from './feed';
import { charts, marketFeed, type FeedMode } from './market';
import { dhanError, INVALID_AUTH, inputError, IP_REJECTED, RATE_LIMITED } from './replies';
import { SCRIP_CSV } from './scrip';
import { DhanOrderUpdates } from './order-updates';
import { DhanExitBook } from './exits';
import { DhanTokens } from './tokens';
import { cancelOrder, fundLimit, getByCorrelation, getOrder, holdings, modifyOrder, orderJson, placeOrder, positions, trades } from './trading';

export interface DhanSimulatorHandle extends SimulatorHandle {
  /** Every token issued so far stops working (as if 24 hours had passed). */
  expireSessions(): void;
  /** The source IP the simulator sees (orders are only accepted from the whitelisted one). */
  setCallerIp(ip: string): void;
  /** Accept an externally made token for the client (canary tests). */
  registerToken(token: string, expiresAt: number): void;
  /** The whitelisted static IP. */
  staticIp: string;
  exchange: SimExchange;
  /** Forever and super orders behind /v2/forever/orders and /v2/super/orders. */
  exits: DhanExitBook;
  /** The API key and secret of the API-key sign-in (auth.dhan.co), under BrokerVault's field names. */
  apiKeyCredentials: { dhanClientId: string; apiKey: string; apiSecret: string };
  /** The PIN and TOTP seed of the direct login (auth.dhan.co/app/generateAccessToken), under BrokerVault's field names. */
  totpCredentials: { dhanClientId: string; pin: string; totpSecret: string };
  /** Register the redirect URL with the API key, as the trader does on web.dhan.co. */
  setRedirectUrl(url: string): void;
  /** The live market feed (`/?version=2&authType=2`; clients add `token` and `clientId`). */
  streamUrl: string;
  /** The live order update socket (Dhan's own host in production; this path on the simulator's port). */
  orderStreamUrl: string;
  /** The sockets, so tests can drop or silence them and read what they were asked. */
  feed: DhanFeed;
  orderUpdates: DhanOrderUpdates;
}

export interface DhanSimOptions extends SimulatorOptions {
  clientId?: string;
  apiSecret?: string;
  totpSecret?: string;
  /** Interval of streamed packets and of the order-update check for fills no request caused. Default 1 s. */
  streamTickMs?: number;
  /** Feed connections per client id. Default 5, as Dhan. */
  maxFeedConnections?: number;
}

/** Where the order update socket is served on the simulator's port. */
export const ORDER_UPDATE_PATH = '/order-update';

const CLIENT_ID = '1000000003';
const STATIC_IP = '203.0.113.20';

type Bucket = 'orders' | 'quote' | 'other';

async function startDhan(options: DhanSimOptions = {}): Promise<DhanSimulatorHandle> {
  const clock = options.clock ?? systemClock;
  const clientId = options.clientId ?? CLIENT_ID;
  const exchange = new SimExchange(clock, 1_000_000, '52260105');
  const tokens = new DhanTokens(clock);
  const exits = new DhanExitBook(clock, exchange, clientId);
  let callerIp = STATIC_IP;

  const limiters: Record<Bucket, WindowLimiter[]> = {
    orders: [new WindowLimiter(10, 1000, clock), new WindowLimiter(250, 60_000, clock)],
    quote: [new WindowLimiter(1, 1000, clock)],
    other: [new WindowLimiter(20, 1000, clock)],
  };

  /** access-token on every call, client-id on Data APIs, the rate limits, and the static IP on order calls. */
  const guard = (bucket: Bucket, handler: SimHandler, opts: { dataApi?: boolean; order?: boolean } = {}): SimHandler => {
    return (req: SimRequest) => {
      const headerClient = req.headers['client-id'] || req.headers.dhanclientid || undefined;
      if (opts.dataApi && !req.headers['client-id']) return inputError('Missing client-id header');
      if (!tokens.valid(req.headers['access-token'], headerClient)) return INVALID_AUTH;
      if (limiters[bucket].map((l) => l.hit()).some(Boolean)) return RATE_LIMITED;
      if (opts.order && callerIp !== STATIC_IP) return IP_REJECTED;
      return handler(req);
    };
  };

  const feed = (mode: FeedMode) => guard('quote', (req) => marketFeed(exchange, clock.now(), mode, req), { dataApi: true });
  const renew: SimHandler = (req) => {
    if (req.headers.dhanclientid !== clientId) return dhanError(400, 'Input_Exception', 'DH-905', 'dhanClientId header is required');
    const { token, expiresAt } = tokens.renew(req.headers['access-token']!);
    const expiryTime = new Date(expiresAt + 5.5 * 3_600_000).toISOString().slice(0, 19);
    return { json: { dhanClientId: clientId, token, expiryTime } };
  };

  const router = new SimRouter()
    .on(
      'GET',
      '/v2/profile',
      guard('other', () => ({
        json: {
          dhanClientId: clientId,
          tokenValidity: '',
          activeSegment: 'Equity, Derivative',
          ddpi: 'Active',
          mtf: 'Active',
          dataPlan: 'Active',
          dataValidity: '',
        },
      })),
    )
    .on(
      'GET',
      '/v2/fundlimit',
      guard('other', () => fundLimit(exchange, clientId)),
    )
    .on(
      'POST',
      '/v2/orders',
      guard('orders', (req) => placeOrder(exchange, clientId, req), { order: true }),
    )
    .on(
      'GET',
      '/v2/orders',
      guard('other', () => ({ json: exchange.list().map((o) => orderJson(clientId, o)) })),
    )
    .on(
      'GET',
      '/v2/orders/external/:correlationId',
      guard('other', (req) => getByCorrelation(exchange, clientId, req.params.correlationId!)),
    )
    .on(
      'GET',
      '/v2/orders/:orderId',
      guard('other', (req) => getOrder(exchange, clientId, req.params.orderId!)),
    )
    .on(
      'PUT',
      '/v2/orders/:orderId',
      guard('orders', (req) => modifyOrder(exchange, clientId, req.params.orderId!, req), { order: true }),
    )
    .on(
      'DELETE',
      '/v2/orders/:orderId',
      guard('orders', (req) => cancelOrder(exchange, req.params.orderId!), { order: true }),
    )
    .on(
      'GET',
      '/v2/positions',
      guard('other', () => positions(exchange, clientId)),
    )
    .on(
      'GET',
      '/v2/holdings',
      guard('other', () => holdings(exchange)),
    )
    .on(
      'GET',
      '/v2/trades',
      guard('other', () => trades(exchange, clientId)),
    )
    .on(
      'POST',
      '/v2/forever/orders',
      guard('orders', (req) => exits.placeForever(req), { order: true }),
    )
    .on(
      'GET',
      '/v2/forever/orders',
      guard('other', () => exits.listForever()),
    )
    // v1 and some docs pages list them at /forever/all.
    .on(
      'GET',
      '/v2/forever/all',
      guard('other', () => exits.listForever()),
    )
    .on(
      'DELETE',
      '/v2/forever/orders/:orderId',
      guard('orders', (req) => exits.cancelForever(req.params.orderId!), { order: true }),
    )
    .on(
      'POST',
      '/v2/super/orders',
      guard('orders', (req) => exits.placeSuper(req), { order: true }),
    )
    .on(
      'GET',
      '/v2/super/orders',
      guard('other', () => exits.listSupers()),
    )
    .on(
      'DELETE',
      '/v2/super/orders/:orderId/:leg',
      guard('orders', (req) => exits.cancelSuper(req.params.orderId!, req.params.leg!), { order: true }),
    )
    .on('POST', '/v2/marketfeed/ltp', feed('ltp'))
    .on('POST', '/v2/marketfeed/ohlc', feed('ohlc'))
    .on('POST', '/v2/marketfeed/quote', feed('quote'))
    .on(
      'POST',
      '/v2/charts/intraday',
      guard('other', (req) => charts(clock.now(), false, req), { dataApi: true }),
    )
    .on(
      'POST',
      '/v2/charts/historical',
      guard('other', (req) => charts(clock.now(), true, req), { dataApi: true }),
    )
    // Documented as GET; some clients POST it: accept both.
    .on('GET', '/v2/RenewToken', guard('other', renew))
    .on('POST', '/v2/RenewToken', guard('other', renew))
    // Served on images.dhan.co in production; same path under this simulator's root.
    .on('GET', '/api-data/api-scrip-master.csv', () => ({ headers: { 'content-type': 'text/csv' }, text: SCRIP_CSV }));
  // auth.dhan.co in production (API-key consent and the PIN + TOTP login); same paths under this simulator's root.
  const app: ConsentApp = {
    apiKey: 'dhanapp7x2k9',
    apiSecret: options.apiSecret ?? 'dhan-sim-app-secret-0001',
    clientId,
    clientName: 'SIM TRADER',
    pin: '123456',
    totpSecret: options.totpSecret ?? 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    redirectUrl: null,
  };
  authHostRoutes(router, app, tokens, clock);

  const scheduler = options.scheduler ?? systemScheduler(clock);
  const tickMs = options.streamTickMs ?? 1_000;
  const liveFeed = new DhanFeed({
    exchange,
    scheduler,
    tokens,
    tickMs,
    pingMs: 10_000,
    pongTimeoutMs: 40_000,
    maxConnections: options.maxFeedConnections ?? 5,
    instrumentLimit: 5_000,
  });
  const orderUpdates = new DhanOrderUpdates({ exchange, scheduler, tokens, pollMs: tickMs, settle: () => exits.settle() });
  const wss = new WebSocketServer({ noServer: true });

  // An empty outer router sends every request here: the route, then order updates for what it changed.
  const routed: SimHandler = async (req) => {
    exits.settle();
    const found = router.match(req.method, req.path);
    const out = found ? await found.handler({ ...req, params: found.params }) : dhanError(404, 'Others', 'DH-910', 'Resource not found');
    orderUpdates.publishChanges();
    return out;
  };
  const server = await serve(new SimRouter(), {
    port: options.port,
    notFound: routed,
    upgrade: (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const isFeed = liveFeed.handles(url);
      if (!isFeed && url.pathname !== ORDER_UPDATE_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => (isFeed ? liveFeed.accept(ws, url) : orderUpdates.accept(ws)));
    },
  });
  const wsBase = server.baseUrl.replace(/^http/, 'ws');
  const session = tokens.issue(clientId);
  return {
    ...server,
    // Upgraded sockets are no longer the HTTP server's connections: end them first.
    close: async () => {
      liveFeed.close();
      orderUpdates.close();
      wss.close();
      await server.close();
    },
    streamUrl: `${wsBase}/?version=2&authType=2`,
    orderStreamUrl: `${wsBase}${ORDER_UPDATE_PATH}`,
    feed: liveFeed,
    orderUpdates,
    // The API root includes /v2, like https://api.dhan.co/v2.
    baseUrl: `${server.baseUrl}/v2`,
    broker: 'dhan',
    credentials: { dhanClientId: clientId, accessToken: session.token },
    session: { accessToken: session.token },
    expireSessions: () => tokens.expireAll(),
    setCallerIp: (ip: string) => {
      callerIp = ip;
    },
    registerToken: (token: string, expiresAt: number) => tokens.register(token, clientId, expiresAt),
    staticIp: STATIC_IP,
    exchange,
    exits,
    apiKeyCredentials: { dhanClientId: clientId, apiKey: app.apiKey, apiSecret: app.apiSecret },
    totpCredentials: { dhanClientId: clientId, pin: app.pin, totpSecret: app.totpSecret },
    setRedirectUrl: (url: string) => {
      app.redirectUrl = url;
    },
  };
}

/** `start` for the registry; tests may also pass `clientId`. */
export const start = startDhan satisfies StartSimulator;
