import { WebSocketServer } from 'ws';
import { systemClock } from '../../../src/main/clock';
import { systemScheduler } from '../../../src/main/scheduler';
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
import { SimExchange } from '../exchange';
import { TastyAccountStreamer } from './account-streamer';
import { TokenStore, ACCESS_TOKEN_LIFETIME_MS, type Grant } from './auth';
import { DxLinkServer } from './dxlink';
import { dec, LISTINGS, quoteItem, searchItems } from './market';
import { TastyComplexOrders } from './complex';
import { effects, parseOrder } from './orders';
import { orderJson, positionJson } from './wire';

export interface TastytradeSimulatorHandle extends SimulatorHandle {
  exchange: SimExchange;
  /** Make every issued access token answer as expired (the 15-minute rule also applies on the clock). */
  expireSessions(): void;
  /** Accept another refresh-token grant (e.g. canary credentials). */
  addGrant(grant: Grant): void;
  /** Accept another access token as if just issued. */
  addAccessToken(token: string): void;
  /** Requests allowed per window before 429 (tastytrade publishes no numbers; default 600 per minute). */
  setRateLimit(limit: number, windowMs?: number): void;
  /** The DXLink URL `GET /api-quote-tokens` hands out (`ws://…/realtime`, the real path), and the account streamer. */
  streamUrl: string;
  orderStreamUrl: string;
  dxlink: DxLinkServer;
  accountStreamer: TastyAccountStreamer;
  /** Hand out this quote token instead of a fresh valid one (a token DXLink refuses), or null for normal again. */
  setQuoteTokenOverride(token: string | null): void;
}

export interface TastytradeSimOptions extends SimulatorOptions {
  /** DXLink subscriptions one connection may hold (tastytrade publishes none). Default 1000 (500 symbols × Trade+Quote). */
  subscriptionLimit?: number;
  /** Interval of streamed events, and of the check for fills no request caused. Default 1 s. */
  streamTickMs?: number;
}

const ACCOUNT = '5WI12345';
const GRANT: Grant = {
  clientId: '0f3c9b52-6a1e-4d7b-9c2a-5e8f7d6b4a31',
  clientSecret: 'sim-tt-client-secret-0001',
  refreshToken: 'sim-tt-refresh.eyJzdWIiOiJzaW0ifQ.0001',
};

const envelope = (data: unknown, context: string): SimResponse => ({ json: { data, context } });
const apiError = (status: number, code: string, message: string): SimResponse => ({ status, json: { error: { code, message } } });

export async function startTastytrade(options: TastytradeSimOptions = {}): Promise<TastytradeSimulatorHandle> {
  const clock = options.clock ?? systemClock;
  const scheduler = options.scheduler ?? systemScheduler(clock);
  const exchange = new SimExchange(clock, 100_000);
  const tokens = new TokenStore(clock);
  const tickMs = options.streamTickMs ?? 1_000;
  const dxlink = new DxLinkServer(exchange, { clock, scheduler, subscriptionLimit: options.subscriptionLimit ?? 1_000, tickMs });
  const accountStreamer = new TastyAccountStreamer({ exchange, scheduler, account: ACCOUNT, validToken: (t) => tokens.valid(t), pollMs: tickMs });
  let quoteTokenOverride: string | null = null;
  let wsBase = '';
  tokens.addGrant(GRANT);
  let limiter = new WindowLimiter(600, 60_000, clock);
  const router = new SimRouter();

  const gated =
    (handler: SimHandler, needsToken = true): SimHandler =>
    async (req) => {
      const refused = tokens.gate(req, needsToken);
      if (refused) return refused;
      if (limiter.hit()) return apiError(429, 'rate_limit_exceeded', 'Too many requests; back off and retry');
      const out = await handler(req);
      // An order placed, cancelled or filled over REST shows up on the account streamer.
      accountStreamer.publishChanges();
      return out;
    };
  const account = (handler: SimHandler): SimHandler =>
    gated((req) => (req.params.account === ACCOUNT ? handler(req) : apiError(403, 'not_permitted', 'User not permitted access')));
  const complex = new TastyComplexOrders(exchange, ACCOUNT);
  const findComplex = (id: string) => (/^\d+$/.test(id) ? complex.complex.get(Number(id)) : undefined);
  const findOrder = (id: string) => (/^\d+$/.test(id) ? exchange.list().find((o) => Number(o.id) === Number(id)) : undefined);

  router.on(
    'POST',
    '/oauth/token',
    gated((req) => tokens.exchange(req), false),
  );

  router.on(
    'GET',
    '/customers/me/accounts',
    gated((req) =>
      envelope(
        {
          items: [
            {
              account: {
                'account-number': ACCOUNT,
                'external-id': 'A0000012345',
                'opened-at': '2024-01-02T15:00:00.000+00:00',
                nickname: 'Individual',
                'account-type-name': 'Individual',
                'day-trader-status': false,
                'is-closed': false,
                'is-firm-error': false,
                'is-firm-proprietary': false,
                'is-futures-approved': false,
                'is-test-drive': false,
                'margin-or-cash': 'Margin',
                'is-foreign': false,
                'investment-objective': 'SPECULATION',
                'suitable-options-level': 'No Restrictions',
                'created-at': '2024-01-02T15:00:00.000+00:00',
              },
              'authority-level': 'owner',
            },
          ],
        },
        req.path,
      ),
    ),
  );

  const balances: SimHandler = (req) => {
    const positions = exchange.positionList();
    const long = positions.reduce((s, p) => s + Math.max(0, p.quantity) * exchange.price(p.symbol), 0);
    const short = positions.reduce((s, p) => s + Math.min(0, p.quantity) * exchange.price(p.symbol), 0);
    return envelope(
      {
        'account-number': ACCOUNT,
        'cash-balance': dec(exchange.cash),
        'long-equity-value': dec(long),
        'short-equity-value': dec(Math.abs(short)),
        'long-derivative-value': '0.0',
        'short-derivative-value': '0.0',
        'net-liquidating-value': dec(exchange.cash + long + short),
        'equity-buying-power': dec(exchange.cash),
        'derivative-buying-power': dec(exchange.cash),
        'day-trading-buying-power': '0.0',
        'available-trading-funds': dec(exchange.cash),
        'cash-available-to-withdraw': dec(exchange.cash),
        'maintenance-requirement': dec(long * 0.25),
        'margin-equity': dec(exchange.cash + long + short),
        'pending-cash': '0.0',
        'pending-cash-effect': 'None',
        currency: 'USD',
        'updated-at': new Date(clock.now()).toISOString(),
      },
      req.path,
    );
  };
  router.on('GET', '/accounts/:account/balances', account(balances));
  router.on('GET', '/accounts/:account/balances/:currency', account(balances));

  router.on(
    'POST',
    '/accounts/:account/orders/dry-run',
    account((req) => {
      const result = parseOrder(req, exchange);
      if ('refusal' in result) return result.refusal;
      const parsed = result.order;
      const preview = {
        'account-number': ACCOUNT,
        'time-in-force': parsed.extra.tif,
        'order-type': req.json()['order-type'],
        size: parsed.quantity,
        'underlying-symbol': parsed.symbol,
        status: 'Received',
        cancellable: true,
        editable: true,
        ...(parsed.externalId ? { 'external-identifier': parsed.externalId } : {}),
        legs: [
          {
            'instrument-type': LISTINGS[parsed.symbol]!.type,
            symbol: parsed.symbol,
            quantity: parsed.quantity,
            'remaining-quantity': parsed.quantity,
            action: parsed.extra.action,
            fills: [],
          },
        ],
      };
      return envelope({ order: preview, ...effects(parsed, exchange) }, req.path);
    }),
  );

  router.on(
    'POST',
    '/accounts/:account/orders',
    account((req) => {
      const result = parseOrder(req, exchange);
      if ('refusal' in result) return result.refusal;
      const parsed = result.order;
      const extras = effects(parsed, exchange);
      const order = exchange.place({ ...parsed, clientOrderId: parsed.externalId });
      return {
        status: 201,
        json: { data: { order: orderJson(order, ACCOUNT, order.status === 'REJECTED' ? undefined : 'Routed'), ...extras }, context: req.path },
      };
    }),
  );

  router.on(
    'POST',
    '/accounts/:account/complex-orders',
    account((req) => {
      let body: Record<string, unknown>;
      try {
        body = req.json();
      } catch {
        return apiError(400, 'validation_error', 'Malformed JSON');
      }
      return complex.place(body, clock.now());
    }),
  );
  router.on(
    'GET',
    '/accounts/:account/complex-orders/live',
    account((req) => {
      const startOfDay = Math.floor(clock.now() / 86_400_000) * 86_400_000;
      const items = [...complex.complex.values()].filter((c) => c.createdAt >= startOfDay).map((c) => complex.json(c));
      return envelope({ items }, req.path);
    }),
  );
  router.on(
    'GET',
    '/accounts/:account/complex-orders/:id',
    account((req) => {
      const found = findComplex(req.params.id!);
      return found ? envelope(complex.json(found), req.path) : apiError(404, 'record_not_found', 'Complex order not found');
    }),
  );
  router.on(
    'DELETE',
    '/accounts/:account/complex-orders/:id',
    account((req) => {
      const found = findComplex(req.params.id!);
      if (!found) return apiError(404, 'record_not_found', 'Complex order not found');
      return complex.cancel(found) ?? apiError(422, 'order_not_cancellable', 'Complex order is no longer working and cannot be cancelled');
    }),
  );

  router.on(
    'GET',
    '/accounts/:account/orders/live',
    account((req) => {
      const startOfDay = Math.floor(clock.now() / 86_400_000) * 86_400_000;
      const items = exchange.list().filter((o) => o.status === 'OPEN' || o.updatedAt >= startOfDay);
      return envelope({ items: items.map((o) => orderJson(o, ACCOUNT)) }, req.path);
    }),
  );

  router.on(
    'GET',
    '/accounts/:account/orders',
    account((req) => {
      const perPage = Math.min(250, Number(req.query.get('per-page') ?? 10) || 10);
      const offset = Number(req.query.get('page-offset') ?? 0) || 0;
      const all = exchange.list().reverse();
      const page = all.slice(offset * perPage, offset * perPage + perPage);
      return {
        json: {
          data: { items: page.map((o) => orderJson(o, ACCOUNT)) },
          context: req.path,
          pagination: {
            'per-page': perPage,
            'page-offset': offset,
            'item-offset': offset * perPage,
            'total-items': all.length,
            'total-pages': Math.ceil(all.length / perPage),
            'current-item-count': page.length,
          },
        },
      };
    }),
  );

  router.on(
    'GET',
    '/accounts/:account/orders/:id',
    account((req) => {
      const order = findOrder(req.params.id!);
      return order ? envelope(orderJson(order, ACCOUNT), req.path) : apiError(404, 'record_not_found', 'Order not found');
    }),
  );

  // Cancel-replace: the full new order; the old one ends Cancelled and the replacement (a new id) is answered.
  router.on(
    'PUT',
    '/accounts/:account/orders/:id',
    account((req) => {
      const old = findOrder(req.params.id!);
      if (!old) return apiError(404, 'record_not_found', 'Order not found');
      if (old.status !== 'OPEN') return apiError(422, 'order_not_replaceable', `Order is ${orderJson(old, ACCOUNT).status as string} and cannot be replaced`);
      const result = parseOrder(req, exchange);
      if ('refusal' in result) return result.refusal;
      const parsed = result.order;
      if (parsed.symbol !== old.symbol || parsed.side !== old.side)
        return apiError(422, 'invalid_replacement', 'A replacement must keep the symbol and action');
      exchange.cancel(old.id);
      old.extra = { ...old.extra, replacedBy: '' };
      const replacement = exchange.place({ ...parsed, clientOrderId: parsed.externalId });
      old.extra.replacedBy = replacement.id;
      return envelope(orderJson(replacement, ACCOUNT, replacement.status === 'REJECTED' ? undefined : 'Routed'), req.path);
    }),
  );

  router.on(
    'DELETE',
    '/accounts/:account/orders/:id',
    account((req) => {
      const order = findOrder(req.params.id!);
      if (!order) return apiError(404, 'record_not_found', 'Order not found');
      if (!exchange.cancel(order.id))
        return apiError(422, 'order_not_cancellable', `Order is ${orderJson(order, ACCOUNT).status as string} and cannot be cancelled`);
      return envelope(orderJson(order, ACCOUNT, 'Cancel Requested'), req.path);
    }),
  );

  router.on(
    'GET',
    '/accounts/:account/positions',
    account((req) => {
      const marks = req.query.get('include-marks') === 'true';
      const items = exchange
        .positionList()
        .filter((p) => p.quantity !== 0)
        .map((p) => positionJson(p, ACCOUNT, marks ? exchange.price(p.symbol) : null, clock.now()));
      return envelope({ items }, req.path);
    }),
  );

  router.on(
    'GET',
    '/market-data/by-type',
    gated((req) => {
      const items: Record<string, unknown>[] = [];
      let count = 0;
      for (const key of ['equity', 'cryptocurrency', 'equity-option', 'index', 'future', 'future-option']) {
        for (const symbol of (req.query.get(key) ?? '').split(',').filter(Boolean)) {
          count++;
          if (LISTINGS[symbol]?.key === key) items.push(quoteItem(symbol, clock));
        }
      }
      if (count > 100) return apiError(400, 'validation_error', 'At most 100 symbols per request');
      return envelope({ items }, req.path);
    }),
  );

  // Symbol search for type-ahead: counts against the same request window as everything else.
  router.on(
    'GET',
    '/symbols/search/:symbol',
    gated((req) => envelope({ items: searchItems(req.params.symbol ?? '') }, req.path)),
  );

  // The quote token for DXLink; `dxlink-url` is this simulator's own feed (the official SDK connects wherever it says).
  router.on(
    'GET',
    '/api-quote-tokens',
    gated((req) => {
      const issued = dxlink.issueToken();
      return envelope(
        {
          token: quoteTokenOverride ?? issued.token,
          'dxlink-url': `${wsBase}/realtime`,
          level: 'api',
          'expires-at': new Date(issued.expiresAt).toISOString(),
          'issued-at': new Date(clock.now()).toISOString(),
        },
        req.path,
      );
    }),
  );

  const wss = new WebSocketServer({ noServer: true });
  const server = await serve(router, {
    port: options.port,
    notFound: () => apiError(404, 'not_found', 'Not Found'),
    // DXLink at /realtime (its real path); the account streamer at the root, as on streamer.tastyworks.com.
    upgrade: (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const target = path === '/realtime' ? dxlink : path === '/' ? accountStreamer : null;
      if (!target) return void socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      wss.handleUpgrade(req, socket, head, (ws) => target.accept(ws));
    },
  });
  wsBase = server.baseUrl.replace(/^http/, 'ws');
  const preIssued = tokens.issue('sim-tt-access-preissued');
  const handle: TastytradeSimulatorHandle = {
    ...server,
    // Upgraded sockets are no longer the HTTP server's connections: end them first.
    close: async () => {
      dxlink.close();
      accountStreamer.close();
      wss.close();
      await server.close();
    },
    streamUrl: `${wsBase}/realtime`,
    orderStreamUrl: `${wsBase}/`,
    dxlink,
    accountStreamer,
    setQuoteTokenOverride: (token) => void (quoteTokenOverride = token),
    broker: 'tastytrade',
    credentials: { client_id: GRANT.clientId!, client_secret: GRANT.clientSecret, refresh_token: GRANT.refreshToken, account_number: ACCOUNT },
    session: { access_token: preIssued, access_token_expires_at: String(clock.now() + ACCESS_TOKEN_LIFETIME_MS) },
    exchange,
    expireSessions: () => tokens.expireAll(),
    addGrant: (grant) => tokens.addGrant(grant),
    addAccessToken: (token) => void tokens.issue(token),
    setRateLimit: (limit, windowMs = 60_000) => void (limiter = new WindowLimiter(limit, windowMs, clock)),
  };
  return handle;
}

export const start: StartSimulator = (options) => startTastytrade(options);
