import { WebSocketServer } from 'ws';
import { systemClock } from '../../../src/main/clock';
import { systemScheduler } from '../../../src/main/scheduler';
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
import { SimExchange } from '../exchange';
import { simBars } from '../bars';
import { bucketOf, hitQuota, quotaWindow, type Bucket } from './limits';
import { LISTINGS, lookupSecurities, quoteJson, searchSecurities } from './market';
import { AccountEventsSocket } from './account-stream';
import { MarketEventsSocket, TradierSessions } from './stream';
import { TradierAdvancedOrders } from './advanced';
import { collapse, orderJson, positionJson, toXml } from './wire';

export interface TradierSimulatorHandle extends SimulatorHandle {
  exchange: SimExchange;
  /** Make every issued token answer "Access Token expired" (what a lapsed OAuth token gets). */
  expireSessions(): void;
  /** Accept another access token (e.g. a canary) for the simulated account. */
  addAccessToken(token: string): void;
  /** Change a per-minute quota (defaults: production 120 / 120 / 60). */
  setRateLimit(bucket: Bucket, allowed: number): void;
  /** `ws://…/v1/markets/events` and `ws://…/v1/accounts/events` on the simulator's own port. */
  streamUrl: string;
  orderStreamUrl: string;
  /** The two sockets, so tests can push a tick now or drop every socket from the server side. */
  marketStream: MarketEventsSocket;
  accountStream: AccountEventsSocket;
}

export interface TradierSimOptions extends SimulatorOptions {
  /** Symbols one market payload may carry (Tradier publishes none). Default 500. */
  symbolLimit?: number;
  /** Interval of streamed events, and of the check for fills no request caused. Default 1 s. */
  streamTickMs?: number;
}

const ACCOUNT = 'VA00012345';
const SESSION_TOKEN = 'SimTradierToken0000000000001';

const FAULTS = {
  invalid: { fault: { faultstring: 'Invalid Access Token', detail: { errorcode: 'keymanagement.service.invalid_access_token' } } },
  expired: { fault: { faultstring: 'Access Token expired', detail: { errorcode: 'keymanagement.service.access_token_expired' } } },
};

function errors(status: number, ...messages: string[]): SimResponse {
  return { status, json: { errors: { error: messages.length === 1 ? messages[0] : messages } } };
}

export async function startTradier(options: TradierSimOptions = {}): Promise<TradierSimulatorHandle> {
  const clock = options.clock ?? systemClock;
  const scheduler = options.scheduler ?? systemScheduler(clock);
  const exchange = new SimExchange(clock, 100_000);
  const sessions = new TradierSessions(clock);
  const tickMs = options.streamTickMs ?? 1_000;
  const marketStream = new MarketEventsSocket({ exchange, scheduler, sessions, symbolLimit: options.symbolLimit ?? 500, tickMs });
  const accountStream = new AccountEventsSocket({ exchange, scheduler, sessions, account: ACCOUNT, pollMs: tickMs });
  const tokens = new Map<string, { expired: boolean }>([[SESSION_TOKEN, { expired: false }]]);
  const quotas: Record<Bucket, WindowLimiter> = {
    standard: quotaWindow(120, clock),
    market: quotaWindow(120, clock),
    trading: quotaWindow(60, clock),
  };
  const router = new SimRouter();

  /** Auth, quota and JSON/XML negotiation around every API handler. */
  const api =
    (handler: SimHandler): SimHandler =>
    async (req: SimRequest) => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const entry = token ? tokens.get(token) : undefined;
      let out: SimResponse;
      let quotaHeaders: Record<string, string> = {};
      if (!entry) out = { status: 401, json: FAULTS.invalid };
      else if (entry.expired) out = { status: 401, json: FAULTS.expired };
      else {
        const quota = hitQuota(quotas[bucketOf(req.method, req.path)]);
        quotaHeaders = quota.headers;
        out = quota.over ? { status: 429, text: 'Rate limit exceeded' } : await handler(req);
      }
      out = { ...out, headers: { ...quotaHeaders, ...out.headers } };
      // An order placed, cancelled or filled over REST shows up on the account stream.
      accountStream.publishChanges();
      if (out.json !== undefined && !(req.headers.accept ?? '').includes('json')) {
        return { ...out, json: undefined, text: toXml(out.json), headers: { ...out.headers, 'content-type': 'application/xml' } };
      }
      return out;
    };
  const account = (handler: SimHandler): SimHandler => api((req) => (req.params.account === ACCOUNT ? handler(req) : errors(400, 'Invalid account number')));

  const findOrder = (id: string) => exchange.list().find((o) => Number(o.id) === Number(id) && /^\d+$/.test(id));
  const advanced = new TradierAdvancedOrders(exchange, (symbol) => LISTINGS[symbol] !== undefined);
  const findAdvanced = (id: string) => (/^\d+$/.test(id) ? advanced.orders.get(Number(id)) : undefined);

  router.on(
    'GET',
    '/v1/user/profile',
    api(() => ({
      json: {
        profile: {
          id: 'id-sim-0001',
          name: 'Sim Trader',
          account: {
            account_number: ACCOUNT,
            classification: 'individual',
            date_created: '2024-01-02T15:00:00.000Z',
            day_trader: false,
            option_level: 2,
            status: 'active',
            type: 'margin',
            last_update_date: '2024-01-02T15:00:00.000Z',
          },
        },
      },
    })),
  );

  router.on(
    'GET',
    '/v1/accounts/:account/balances',
    account(() => {
      const positions = exchange.positionList();
      const longValue = positions.reduce((sum, p) => sum + Math.max(0, p.quantity) * exchange.price(p.symbol), 0);
      const shortValue = positions.reduce((sum, p) => sum + Math.min(0, p.quantity) * exchange.price(p.symbol), 0);
      const marketValue = longValue + shortValue;
      const round = (n: number) => Math.round(n * 100) / 100;
      return {
        json: {
          balances: {
            account_number: ACCOUNT,
            account_type: 'margin',
            total_equity: round(exchange.cash + marketValue),
            total_cash: round(exchange.cash),
            market_value: round(marketValue),
            long_market_value: round(longValue),
            short_market_value: round(shortValue),
            open_pl: 0,
            close_pl: round(positions.reduce((sum, p) => sum + p.realizedPnl, 0)),
            equity: 0,
            current_requirement: round(longValue * 0.5),
            option_long_value: 0,
            option_short_value: 0,
            option_requirement: 0,
            stock_long_value: round(longValue),
            pending_orders_count: exchange.list().filter((o) => o.status === 'OPEN').length,
            pending_cash: 0,
            uncleared_funds: 0,
            margin: {
              fed_call: 0,
              maintenance_call: 0,
              option_buying_power: round(exchange.cash),
              stock_buying_power: round(exchange.cash),
              stock_short_value: 0,
              sweep: 0,
            },
          },
        },
      };
    }),
  );

  router.on(
    'POST',
    '/v1/accounts/:account/orders',
    account((req) => {
      const form = req.form();
      const symbol = (form.get('symbol') ?? '').toUpperCase();
      const side = form.get('side') ?? '';
      const type = form.get('type') ?? '';
      const quantity = Number(form.get('quantity'));
      const price = form.get('price');
      const stop = form.get('stop');
      const tag = form.get('tag');
      const cls = form.get('class');
      if (cls === 'oco' || cls === 'otoco') return advanced.place(form, cls, errors);
      if (form.get('class') !== 'equity') return errors(400, 'Invalid Parameter: class must be one of equity, option, multileg, combo, oto, oco, otoco');
      if (!['buy', 'sell', 'buy_to_cover', 'sell_short'].includes(side)) return errors(400, 'Invalid Parameter: side');
      if (!['market', 'limit', 'stop', 'stop_limit'].includes(type)) return errors(400, 'Invalid Parameter: type');
      if (!['day', 'gtc', 'pre', 'post'].includes(form.get('duration') ?? '')) return errors(400, 'Invalid Parameter: duration');
      if (!Number.isInteger(quantity) || quantity < 1) return errors(400, 'OrderQuantity: order quantity must be at least 1');
      if ((type === 'limit' || type === 'stop_limit') && !price) return errors(400, 'LimitPriceUndefined: a limit price is required for this order type');
      if ((type === 'stop' || type === 'stop_limit') && !stop) return errors(400, 'StopPriceUndefined: a stop price is required for this order type');
      if (tag !== null && !/^[A-Za-z0-9-]{1,255}$/.test(tag)) return errors(400, 'Invalid Parameter: tag may contain letters, numbers and dashes only');
      if (!LISTINGS[symbol]) return errors(400, `SecurityUndefined: unknown security ${symbol.slice(0, 12)}`);
      const order = exchange.place({
        symbol,
        side: side.startsWith('buy') ? 'BUY' : 'SELL',
        quantity,
        type: type.toUpperCase() as 'MARKET' | 'LIMIT' | 'STOP' | 'STOP_LIMIT',
        limitPrice: price ? Number(price) : null,
        stopPrice: stop ? Number(stop) : null,
        clientOrderId: tag,
        extra: { side, duration: form.get('duration') ?? 'day' },
      });
      // Risk failures are not placement errors: the order is accepted and shows up rejected.
      if (order.rejectReason === 'Insufficient funds') order.rejectReason = 'InitialMargin: not enough buying power for this order';
      return { json: { order: { id: Number(order.id), status: 'ok', partner_id: 'c4998eb7-0000-4000-8000-000000000001' } } };
    }),
  );

  router.on(
    'GET',
    '/v1/accounts/:account/orders',
    account((req) => {
      const withTags = req.query.get('includeTags') === 'true';
      // An advanced order is listed once, with its legs under it.
      const list = [
        ...exchange
          .list()
          .filter((o) => !advanced.isLeg(o))
          .map(orderJson),
        ...[...advanced.orders.values()].map((a) => advanced.json(a)),
      ].map((o) => (withTags ? o : { ...o, tag: undefined }));
      const order = collapse(list);
      return { json: { orders: order === 'null' ? 'null' : { order } } };
    }),
  );

  router.on(
    'GET',
    '/v1/accounts/:account/orders/:id',
    account((req) => {
      const adv = findAdvanced(req.params.id!);
      if (adv) return { json: { order: advanced.json(adv) } };
      const order = findOrder(req.params.id!);
      return order ? { json: { order: orderJson(order) } } : errors(404, 'Order not found');
    }),
  );

  // Modify: type, duration, price and stop change in place; the quantity cannot.
  router.on(
    'PUT',
    '/v1/accounts/:account/orders/:id',
    account((req) => {
      const order = findOrder(req.params.id!);
      if (!order) return errors(404, 'Order not found');
      if (order.status !== 'OPEN') return errors(400, `order already in finalized state: ${orderJson(order).status as string}`);
      const form = req.form();
      if (form.has('quantity')) return errors(400, 'Invalid Parameter: quantity cannot be modified');
      const type = form.get('type') ?? order.type.toLowerCase();
      if (!['market', 'limit', 'stop', 'stop_limit'].includes(type)) return errors(400, 'Invalid Parameter: type');
      const duration = form.get('duration') ?? order.extra.duration ?? 'day';
      if (!['day', 'gtc', 'pre', 'post'].includes(duration)) return errors(400, 'Invalid Parameter: duration');
      const price = form.get('price');
      const stop = form.get('stop');
      if ((type === 'limit' || type === 'stop_limit') && !price) return errors(400, 'LimitPriceUndefined: a limit price is required for this order type');
      if ((type === 'stop' || type === 'stop_limit') && !stop) return errors(400, 'StopPriceUndefined: a stop price is required for this order type');
      order.extra = { ...order.extra, duration };
      exchange.modify(order.id, {
        type: type.toUpperCase() as 'MARKET' | 'LIMIT' | 'STOP' | 'STOP_LIMIT',
        limitPrice: type === 'limit' || type === 'stop_limit' ? Number(price) : null,
        stopPrice: type === 'stop' || type === 'stop_limit' ? Number(stop) : null,
      });
      return { json: { order: { id: Number(order.id), status: 'ok' } } };
    }),
  );

  router.on(
    'DELETE',
    '/v1/accounts/:account/orders/:id',
    account((req) => {
      const adv = findAdvanced(req.params.id!);
      if (adv) return advanced.cancel(adv, errors);
      const order = findOrder(req.params.id!);
      if (!order) return errors(404, 'Order not found');
      const cancelled = exchange.cancel(order.id);
      if (!cancelled) return errors(400, `order already in finalized state: ${orderJson(order).status as string}`);
      return { json: { order: { id: Number(order.id), status: 'ok' } } };
    }),
  );

  router.on(
    'GET',
    '/v1/accounts/:account/positions',
    account(() => {
      const list = exchange
        .positionList()
        .filter((p) => p.quantity !== 0)
        .map((p, i) => positionJson(p, i, clock.now()));
      const position = collapse(list);
      return { json: { positions: position === 'null' ? 'null' : { position } } };
    }),
  );

  const quotes: SimHandler = (req) => {
    const asked = (req.query.get('symbols') ?? req.form().get('symbols') ?? '')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
    const known = asked.filter((s) => LISTINGS[s]);
    const unknown = asked.filter((s) => !LISTINGS[s]);
    const body: Record<string, unknown> = {};
    if (known.length) body.quote = collapse(known.map((s) => quoteJson(s, clock)));
    if (unknown.length) body.unmatched_symbols = { symbol: collapse(unknown) };
    return { json: { quotes: body } };
  };
  router.on('GET', '/v1/markets/quotes', api(quotes));
  router.on(
    'GET',
    '/v1/markets/timesales',
    api((req) => timesales(req, clock.now())),
  );
  router.on(
    'GET',
    '/v1/markets/history',
    api((req) => dailyHistory(req, clock.now())),
  );
  router.on('POST', '/v1/markets/quotes', api(quotes));

  // Symbol lookup and company search: `securities` is null without a match, else security collapses like other lists.
  const securities = (list: Record<string, unknown>[]): SimResponse => ({ json: { securities: list.length ? { security: collapse(list) } : null } });
  router.on(
    'GET',
    '/v1/markets/lookup',
    api((req) => securities(lookupSecurities(req.query))),
  );
  router.on(
    'GET',
    '/v1/markets/search',
    api((req) => securities(searchSecurities(req.query))),
  );

  // Streaming sessions: the socket URL in the answer is Tradier's HTTP-streaming one (its documented shape); the
  // WebSocket lives on the same path with ws://. Tradier's own host is ws.tradier.com; here it is this port.
  const streamSession =
    (kind: 'market' | 'account'): SimHandler =>
    (req) => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')![1]!;
      const path = kind === 'market' ? '/v1/markets/events' : '/v1/accounts/events';
      return { json: { stream: { url: `${httpBase}${path}`, sessionid: sessions.create(kind, token) } } };
    };
  router.on('POST', '/v1/markets/events/session', api(streamSession('market')));
  router.on('POST', '/v1/accounts/events/session', api(streamSession('account')));

  const wss = new WebSocketServer({ noServer: true });
  let httpBase = '';
  const server = await serve(router, {
    port: options.port,
    notFound: () => ({ status: 404, text: 'Not Found' }),
    upgrade: (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const target = path === '/v1/markets/events' ? marketStream : path === '/v1/accounts/events' ? accountStream : null;
      if (!target) return void socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      wss.handleUpgrade(req, socket, head, (ws) => target.accept(ws));
    },
  });
  httpBase = server.baseUrl;
  const wsBase = server.baseUrl.replace(/^http/, 'ws');
  const handle: TradierSimulatorHandle = {
    ...server,
    // Upgraded sockets are no longer the HTTP server's connections: end them first.
    close: async () => {
      marketStream.close();
      accountStream.close();
      wss.close();
      await server.close();
    },
    streamUrl: `${wsBase}/v1/markets/events`,
    orderStreamUrl: `${wsBase}/v1/accounts/events`,
    marketStream,
    accountStream,
    // Tradier's API root carries the version; the adapter's paths start below it.
    baseUrl: `${server.baseUrl}/v1`,
    broker: 'tradier',
    credentials: { access_token: SESSION_TOKEN, account_id: ACCOUNT },
    session: { access_token: SESSION_TOKEN },
    exchange,
    expireSessions: () => tokens.forEach((t) => (t.expired = true)),
    addAccessToken: (token) => void tokens.set(token, { expired: false }),
    setRateLimit: (bucket, allowed) => void (quotas[bucket].limit = allowed),
  };
  return handle;
}

export const start: StartSimulator = (options) => startTradier(options);

const NEW_YORK = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
function newYorkText(ms: number): string {
  const p = Object.fromEntries(NEW_YORK.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
/** "YYYY-MM-DD HH:MM" (or a date) on the New York wall clock → the instant; NaN when malformed. */
function parseNewYork(text: string | null): number {
  const m = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}))?$/.exec(text ?? '');
  if (!m) return NaN;
  const wall = `${m[1]} ${m[2] ?? '00:00'}`;
  const utc = Date.parse(`${m[1]}T${m[2] ?? '00:00'}:00Z`);
  return [4, 5].map((h) => utc + h * 3_600_000).find((t) => newYorkText(t) === wall) ?? NaN;
}
const TIMESALES_MS: Readonly<Record<string, number>> = { '1min': 60_000, '5min': 300_000, '15min': 900_000 };

/** GET /v1/markets/timesales: bars from the shared price path with New York `time` and epoch `timestamp`; one bar is an object, none is null. */
function timesales(req: SimRequest, now: number): SimResponse {
  const symbol = (req.query.get('symbol') ?? '').toUpperCase();
  const length = TIMESALES_MS[req.query.get('interval') ?? '1min'];
  if (!LISTINGS[symbol] || !length) return { status: 400, json: { fault: { faultstring: 'Invalid Parameter' } } };
  const start = parseNewYork(req.query.get('start'));
  const end = req.query.has('end') ? parseNewYork(req.query.get('end')) : now;
  if (!Number.isFinite(start) || !Number.isFinite(end)) return { status: 400, json: { fault: { faultstring: 'Invalid Parameter' } } };
  const data = simBars(symbol, start, end + 60_000, length, now).map((b) => ({
    time: newYorkText(b.time).replace(' ', 'T') + ':00',
    timestamp: b.time / 1000,
    price: b.close,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: b.volume,
    vwap: b.close,
  }));
  return { json: { series: data.length ? { data: collapse(data) } : null } };
}

/** GET /v1/markets/history?interval=daily: one bar per New York day from its midnight, dates inclusive. */
function dailyHistory(req: SimRequest, now: number): SimResponse {
  const symbol = (req.query.get('symbol') ?? '').toUpperCase();
  if (!LISTINGS[symbol] || (req.query.get('interval') ?? 'daily') !== 'daily') return { status: 400, json: { fault: { faultstring: 'Invalid Parameter' } } };
  const start = parseNewYork(req.query.get('start'));
  const end = parseNewYork(req.query.get('end'));
  if (!Number.isFinite(start) || !Number.isFinite(end)) return { status: 400, json: { fault: { faultstring: 'Invalid Parameter' } } };
  const days: Record<string, unknown>[] = [];
  for (let day = start; day <= end && day <= now; day = parseNewYork(newYorkText(day + 26 * 3_600_000).slice(0, 10))) {
    const next = parseNewYork(newYorkText(day + 26 * 3_600_000).slice(0, 10));
    const [bar] = simBars(symbol, day, day + 1, next - day, now, day % (next - day));
    if (bar) days.push({ date: newYorkText(day).slice(0, 10), open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume });
  }
  return { json: { history: days.length ? { day: collapse(days) } : null } };
}
