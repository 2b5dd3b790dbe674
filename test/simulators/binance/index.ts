import { generateKeyPairSync } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { systemClock, type Clock } from '../../../src/main/clock';
import { systemScheduler } from '../../../src/main/scheduler';
import { SimExchange } from '../exchange';
import {
  serve,
  SimRouter,
  WindowLimiter,
  type SimHandler,
  type SimRequest,
  type SimResponse,
  type SimulatorHandle,
  type SimulatorOptions,
  type StartSimulator,
} from '../harness';
import { allParams, checkSigned, fail, mandatory, type SimKey } from './auth';
import { amt, isPair, PAIRS, priceTicker, RATE_LIMITS, symbolInfo, type Pair } from './market';
import { simBars } from '../bars';
import { balances, cancelResponse, findOrder, newOrderResponse, orderDetails, placeOrder, tradeOf } from './orders';
import { BinanceOrderLists } from './order-lists';
import { BinanceMarketStreams } from './stream-market';
import { BinanceWsApi } from './ws-api';

/** Kline intervals the simulator serves (the chart's), in ms. */
const KLINE_MS: Readonly<Record<string, number>> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '1d': 86_400_000 };
export interface BinanceSimOptions extends SimulatorOptions {
  /** live = api.binance.com (serves /sapi); sandbox = testnet.binance.vision (no /sapi). Default live. */
  environment?: 'live' | 'sandbox';
  /** Interval of streamed trades and book tickers, and of the check for fills no request caused. Default 1 s. */
  streamTickMs?: number;
  /** Streams per market-stream connection (Binance: 1024). */
  maxStreams?: number;
}

export interface BinanceSimHandle extends SimulatorHandle {
  /** Order lists (OCO) placed on /api/v3/orderList/oco. */
  orderLists: BinanceOrderLists;
  exchange: SimExchange;
  /** A valid key without "Enable Spot & Margin Trading". */
  readOnlyCredentials: Record<string, string>;
  /** A valid trading key with no trusted-IP list. */
  unrestrictedCredentials: Record<string, string>;
  /** The IP the simulator sees requests coming from; the default key trusts only the initial one. */
  setCallerIp(ip: string): void;
  /** REQUEST_WEIGHT per minute (Binance: 6000). */
  setWeightLimit(limit: number): void;
  /** A self-generated Ed25519 key: its API key and the private key's PEM, under BrokerVault's field names. */
  ed25519Credentials: { apiKey: string; privateKey: string };
  /** Every request: path, Binance error code if any, and where a signature came in. */
  requests: { method: string; path: string; code: number | null; signatureIn: 'query' | 'body' | null }[];
  /** Market-stream base (`/ws/<stream>`, `/stream?streams=` are appended by clients) and the WebSocket API. */
  streamUrl: string;
  orderStreamUrl: string;
  /** The sockets, so tests can push ticks now, look at subscriptions, or drop every socket from the server side. */
  marketStreams: BinanceMarketStreams;
  wsApi: BinanceWsApi;
}

const TRUSTED_IP = '203.0.113.7';
const key = (apiKey: string, secretKey: string, trading: boolean, trustedIps: string[], createTime: number): SimKey => ({
  apiKey,
  secretKey,
  trading,
  trustedIps,
  withdrawals: false,
  createTime,
});

/** Request weight of each endpoint (rest-api.md). */
function weight(req: SimRequest): number {
  const q = req.query;
  switch (`${req.method} ${req.path}`) {
    case 'GET /api/v3/exchangeInfo':
    case 'GET /api/v3/account':
    case 'GET /api/v3/allOrders':
    case 'GET /api/v3/myTrades':
      return 20;
    case 'GET /api/v3/ticker/price':
      return q.has('symbol') ? 2 : 4;
    case 'GET /api/v3/order':
    case 'GET /api/v3/orderList':
      return 4;
    case 'GET /api/v3/openOrders':
      return q.has('symbol') ? 6 : 80;
    default:
      return 1;
  }
}

/** Fixed one-minute window of used weight, reported in X-MBX-USED-WEIGHT-1M. */
class WeightWindow {
  private start = 0;
  used = 0;
  constructor(
    public limit: number,
    private readonly clock: Clock,
  ) {}
  add(w: number): { over: boolean; retryAfter: number } {
    const now = this.clock.now();
    if (now - this.start >= 60_000) {
      this.start = now - (now % 60_000);
      this.used = 0;
    }
    this.used += w;
    return { over: this.used > this.limit, retryAfter: Math.ceil((this.start + 60_000 - now) / 1000) };
  }
}

export async function startBinance(options: BinanceSimOptions = {}): Promise<BinanceSimHandle> {
  const clock = options.clock ?? systemClock;
  const environment = options.environment ?? 'live';
  const exchange = new SimExchange(clock, 10_000, '');
  const created = clock.now() - 7 * 86_400_000;
  const main = key(
    'simKeyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4Y5z6A7b8C9d0',
    'simSecretZ9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2H1g0F9e8D7c6B5a4Z3y2X1',
    true,
    [TRUSTED_IP],
    created,
  );
  const readOnly = key(
    'simReadOnlyKey00000000000000000000000000000000000000000000000001',
    'simReadOnlySecret000000000000000000000000000000000000000000000001',
    false,
    [TRUSTED_IP],
    created,
  );
  const open = key(
    'simOpenKey000000000000000000000000000000000000000000000000000001',
    'simOpenSecret00000000000000000000000000000000000000000000000000001',
    true,
    [],
    created,
  );
  // A self-generated Ed25519 key, registered with its public half (the trader keeps the private one).
  const pair = generateKeyPairSync('ed25519');
  const ed25519: SimKey = {
    ...key('simEd25519Key000000000000000000000000000000000000000000000000001', '', true, [TRUSTED_IP], created),
    publicKey: pair.publicKey,
  };
  const keys = new Map([main, readOnly, open, ed25519].map((k) => [k.apiKey, k]));
  let callerIp = TRUSTED_IP;
  const weights = new WeightWindow(6000, clock);
  const orderLimiter = new WindowLimiter(50, 10_000, clock);
  const requests: BinanceSimHandle['requests'] = [];
  const scheduler = options.scheduler ?? systemScheduler(clock);
  const marketStreams = new BinanceMarketStreams({
    exchange,
    scheduler,
    tickMs: options.streamTickMs ?? 1_000,
    maxStreams: options.maxStreams ?? 1024,
    messagesPerSecond: 5,
  });
  const orderLists = new BinanceOrderLists(exchange);
  const wsApi = new BinanceWsApi({
    exchange,
    scheduler,
    auth: () => ({ keys, callerIp, now: clock.now() }),
    pollMs: options.streamTickMs ?? 1_000,
    lists: orderLists,
  });

  /** Wrap a SIGNED handler with Binance's key, IP, timestamp and signature checks. */
  const signed =
    (trading: boolean, handler: (params: URLSearchParams, k: SimKey) => SimResponse): SimHandler =>
    (req) => {
      const auth = checkSigned(req, { keys, callerIp, now: clock.now() }, trading);
      if (!auth.ok) return auth.response;
      requests[requests.length - 1]!.signatureIn = auth.signatureIn;
      return handler(allParams(req), auth.key);
    };
  const symbolParam = (p: URLSearchParams): SimResponse | Pair => {
    const s = p.get('symbol');
    if (!s) return mandatory('symbol');
    return isPair(s) ? s : fail(400, -1121, 'Invalid symbol.');
  };

  const router = new SimRouter()
    .on('GET', '/api/v3/ping', () => ({ json: {} }))
    .on('GET', '/api/v3/time', () => ({ json: { serverTime: clock.now() } }))
    .on('GET', '/api/v3/exchangeInfo', (req) => {
      const wanted = req.query.get('symbol')
        ? [req.query.get('symbol')!]
        : req.query.get('symbols')
          ? (JSON.parse(req.query.get('symbols')!) as string[])
          : Object.keys(PAIRS);
      if (!wanted.every(isPair)) return fail(400, -1121, 'Invalid symbol.');
      return {
        json: { timezone: 'UTC', serverTime: clock.now(), rateLimits: RATE_LIMITS, exchangeFilters: [], symbols: wanted.map((s) => symbolInfo(s as Pair)) },
      };
    })
    .on('GET', '/api/v3/klines', (req) => {
      const symbol = req.query.get('symbol');
      if (!symbol) return mandatory('symbol');
      if (!isPair(symbol)) return fail(400, -1121, 'Invalid symbol.');
      const length = KLINE_MS[req.query.get('interval') ?? ''];
      if (!length) return fail(400, -1120, 'Invalid interval.');
      const limit = Number(req.query.get('limit') ?? '500');
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return fail(400, -1130, "Data sent for parameter 'limit' is not valid.");
      const end = req.query.has('endTime') ? Number(req.query.get('endTime')) : clock.now();
      const start = req.query.has('startTime') ? Number(req.query.get('startTime')) : end - limit * length;
      // Klines that open in [startTime, endTime], oldest first, from the same price path as the tickers and streams.
      const bars = simBars(symbol, start, end + 1, length, clock.now()).slice(0, limit);
      return {
        json: bars.map((b) => [
          b.time,
          amt(b.open),
          amt(b.high),
          amt(b.low),
          amt(b.close),
          amt(b.volume),
          b.time + length - 1,
          amt(b.volume * b.close),
          1,
          '0',
          '0',
          '0',
        ]),
      };
    })
    .on('GET', '/api/v3/ticker/price', (req) => {
      const one = req.query.get('symbol');
      if (one) return isPair(one) ? { json: priceTicker(exchange, one) } : fail(400, -1121, 'Invalid symbol.');
      const many = req.query.get('symbols');
      let list: string[] = Object.keys(PAIRS);
      if (many) {
        try {
          list = JSON.parse(many) as string[];
        } catch {
          return fail(
            400,
            -1100,
            'Illegal characters found in parameter \'symbols\'; legal range is \'^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$\'.',
          );
        }
      }
      if (!list.every(isPair)) return fail(400, -1121, 'Invalid symbol.');
      return { json: list.map((s) => priceTicker(exchange, s as Pair)) };
    })
    .on(
      'GET',
      '/api/v3/account',
      signed(false, (p) => {
        const all = balances(exchange);
        const shown = p.get('omitZeroBalances') === 'true' ? all.filter((b) => Number(b.free) + Number(b.locked) > 0) : all;
        return {
          json: {
            makerCommission: 10,
            takerCommission: 10,
            buyerCommission: 0,
            sellerCommission: 0,
            commissionRates: { maker: '0.00100000', taker: '0.00100000', buyer: '0.00000000', seller: '0.00000000' },
            canTrade: true,
            canWithdraw: true,
            canDeposit: true,
            brokered: false,
            requireSelfTradePrevention: false,
            preventSor: false,
            updateTime: clock.now(),
            accountType: 'SPOT',
            balances: shown,
            permissions: ['SPOT'],
            uid: 354937868,
          },
        };
      }),
    )
    .on(
      'POST',
      '/api/v3/order',
      signed(true, (p) => {
        if (orderLimiter.hit()) return fail(429, -1015, 'Too many new orders; current limit is 50 orders per 10 SECOND.');
        const placed = placeOrder(exchange, p);
        if (!('side' in placed)) return placed;
        const type = p.get('type')!;
        const respType = p.get('newOrderRespType') ?? (type === 'MARKET' || type === 'LIMIT' ? 'FULL' : 'ACK');
        return { json: newOrderResponse(placed, respType), headers: { 'X-MBX-ORDER-COUNT-10S': '1', 'X-MBX-ORDER-COUNT-1D': '1' } };
      }),
    )
    .on(
      'GET',
      '/api/v3/order',
      signed(false, (p) => {
        const symbol = symbolParam(p);
        if (typeof symbol !== 'string') return symbol;
        const found = findOrder(exchange, p);
        if (found === 'missing-param') return fail(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
        return found ? { json: orderDetails(found) } : fail(400, -2013, 'Order does not exist.');
      }),
    )
    .on(
      'DELETE',
      '/api/v3/order',
      signed(true, (p) => {
        const symbol = symbolParam(p);
        if (typeof symbol !== 'string') return symbol;
        const found = findOrder(exchange, p);
        if (found === 'missing-param') return fail(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
        const cancelled = found && exchange.cancel(found.id);
        return cancelled ? { json: cancelResponse(cancelled, p.get('newClientOrderId'), clock.now()) } : fail(400, -2011, 'Unknown order sent.');
      }),
    )
    .on(
      'POST',
      '/api/v3/orderList/oco',
      signed(true, (p) => {
        // An order list counts its two orders against the order rate limit (unconfirmed: the simulator counts one hit).
        if (orderLimiter.hit()) return fail(429, -1015, 'Too many new orders; current limit is 50 orders per 10 SECOND.');
        return orderLists.placeOco(p, clock.now());
      }),
    )
    .on(
      'GET',
      '/api/v3/orderList',
      signed(false, (p) => orderLists.get(p)),
    )
    .on(
      'DELETE',
      '/api/v3/orderList',
      signed(true, (p) => orderLists.cancel(p, clock.now())),
    )
    .on(
      'GET',
      '/api/v3/openOrders',
      signed(false, (p) => {
        const symbol = p.get('symbol');
        if (symbol !== null && !isPair(symbol)) return fail(400, -1121, 'Invalid symbol.');
        return {
          json: exchange
            .list()
            .filter((o) => o.status === 'OPEN' && (symbol === null || o.symbol === symbol))
            .map(orderDetails),
        };
      }),
    )
    .on(
      'GET',
      '/api/v3/allOrders',
      signed(false, (p) => {
        const symbol = symbolParam(p);
        if (typeof symbol !== 'string') return symbol;
        const limit = Math.min(1000, Number(p.get('limit') ?? 500) || 500);
        return {
          json: exchange
            .list()
            .filter((o) => o.symbol === symbol)
            .slice(-limit)
            .map(orderDetails),
        };
      }),
    )
    .on(
      'GET',
      '/api/v3/myTrades',
      signed(false, (p) => {
        const symbol = symbolParam(p);
        if (typeof symbol !== 'string') return symbol;
        // startTime/endTime bound the trade time, as Binance's do (at most 24 h apart there).
        const start = Number(p.get('startTime') ?? -Infinity);
        const end = Number(p.get('endTime') ?? Infinity);
        return {
          json: exchange
            .list()
            .filter((o) => o.symbol === symbol && o.status === 'FILLED' && o.updatedAt >= start && o.updatedAt <= end)
            .map(tradeOf),
        };
      }),
    )
    .on(
      'GET',
      '/sapi/v1/account/apiRestrictions',
      signed(false, (_p, k) => ({
        json: {
          ipRestrict: k.trustedIps.length > 0,
          createTime: k.createTime,
          enableReading: true,
          enableSpotAndMarginTrading: k.trading,
          enableWithdrawals: k.withdrawals,
          enableInternalTransfer: false,
          enableMargin: false,
          enableFutures: false,
          permitsUniversalTransfer: false,
          enableVanillaOptions: false,
          enablePortfolioMarginTrading: false,
          // Unrestricted keys lose the trading permission 30 days after it was switched on.
          tradingAuthorityExpirationTime: k.trading && k.trustedIps.length === 0 ? k.createTime + 30 * 86_400_000 : 0,
        },
      })),
    );

  // Weight is counted per IP for every request, before anything else is checked.
  const entry: SimHandler = async (req) => {
    requests.push({ method: req.method, path: req.path, code: null, signatureIn: null });
    const w = weights.add(weight(req));
    let out: SimResponse;
    if (w.over) {
      out = fail(
        429,
        -1003,
        `Too much request weight used; current limit is ${weights.limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
      );
      out.headers = { 'Retry-After': String(w.retryAfter) };
    } else if (req.path.startsWith('/sapi/') && environment === 'sandbox') {
      out = { status: 404, text: '<html><body><h1>404 Not Found</h1></body></html>', headers: { 'content-type': 'text/html' } };
    } else {
      const found = router.match(req.method, req.path);
      out = found ? await found.handler({ ...req, params: found.params }) : { status: 404, text: '', headers: { 'content-type': 'text/html' } };
    }
    const code = (out.json as { code?: unknown } | undefined)?.code;
    requests[requests.length - 1]!.code = typeof code === 'number' ? code : null;
    // An order placed, cancelled or filled over REST shows up on the user data stream.
    wsApi.publishChanges();
    return { ...out, headers: { 'X-MBX-USED-WEIGHT-1M': String(weights.used), ...out.headers } };
  };
  const wss = new WebSocketServer({ noServer: true });
  const server = await serve(new SimRouter(), {
    port: options.port,
    notFound: entry,
    upgrade: (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === '/ws-api/v3') return wss.handleUpgrade(req, socket, head, (ws) => wsApi.accept(ws));
      const streams = marketStreams.handles(path) ? marketStreams.requested(req) : null;
      if (streams === null) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => marketStreams.accept(ws, req, streams));
    },
  });
  const wsBase = server.baseUrl.replace(/^http/, 'ws');

  return {
    ...server,
    // Upgraded sockets are no longer the HTTP server's connections: end them first.
    close: async () => {
      marketStreams.close();
      wsApi.close();
      wss.close();
      await server.close();
    },
    streamUrl: wsBase,
    orderStreamUrl: `${wsBase}/ws-api/v3`,
    marketStreams,
    wsApi,
    broker: 'binance',
    credentials: { apiKey: main.apiKey, secretKey: main.secretKey },
    session: {},
    exchange,
    orderLists,
    readOnlyCredentials: { apiKey: readOnly.apiKey, secretKey: readOnly.secretKey },
    unrestrictedCredentials: { apiKey: open.apiKey, secretKey: open.secretKey },
    ed25519Credentials: { apiKey: ed25519.apiKey, privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    setCallerIp: (ip) => {
      callerIp = ip;
    },
    setWeightLimit: (limit) => {
      weights.limit = limit;
    },
    requests,
  };
}

export const start: StartSimulator = (options) => startBinance(options);
