import type { SimExchange } from '../exchange';
import type { SimRequest, SimResponse, SimRouter } from '../harness';
import { simBars } from '../bars';
import { assetBySymbol } from './wire';

const FEEDS = new Set(['iex', 'sip', 'delayed_sip', 'otc', 'boats', 'overnight']);

/** Latest trade and quote on the shared price path; the spread is one cent either side. */
export function trade(ex: SimExchange, symbol: string, at: number, tape: string) {
  return { t: new Date(at).toISOString(), x: 'V', p: ex.price(symbol), s: 100, c: ['@'], i: Math.floor(at / 1000), z: tape };
}
export function quote(ex: SimExchange, symbol: string, at: number, tape: string) {
  const p = ex.price(symbol);
  return {
    t: new Date(at).toISOString(),
    ax: 'V',
    ap: Math.round((p + 0.01) * 100) / 100,
    as: 1,
    bx: 'V',
    bp: Math.round((p - 0.01) * 100) / 100,
    bs: 1,
    c: ['R'],
    z: tape,
  };
}

/** Feed check as on data.alpaca.markets: the free plan may not query recent SIP data. */
function feedError(req: SimRequest): SimResponse | null {
  const feed = req.query.get('feed') ?? 'iex';
  if (!FEEDS.has(feed)) return { status: 400, json: { message: `invalid feed: ${feed}` } };
  if (feed === 'sip') return { status: 403, json: { message: 'subscription does not permit querying recent SIP data' } };
  return null;
}

type Render = (ex: SimExchange, symbol: string, at: number, tape: string) => object;

export function marketDataRoutes(router: SimRouter, ex: SimExchange, now: () => number): void {
  const many =
    (key: 'trades' | 'quotes', render: Render) =>
    (req: SimRequest): SimResponse => {
      const error = feedError(req);
      if (error) return error;
      const symbols = (req.query.get('symbols') ?? '').split(',').filter(Boolean);
      if (symbols.length === 0) return { status: 400, json: { message: 'missing symbols' } };
      const out: Record<string, unknown> = {};
      for (const s of symbols) {
        const asset = assetBySymbol(s.toUpperCase());
        if (asset) out[asset.symbol] = render(ex, asset.symbol, now(), asset.tape);
      }
      return { json: { [key]: out } };
    };
  const single =
    (key: 'trade' | 'quote', render: Render) =>
    (req: SimRequest): SimResponse => {
      const error = feedError(req);
      if (error) return error;
      const asset = assetBySymbol(req.params.symbol!.toUpperCase());
      if (!asset) return { status: 404, json: { message: 'no trade found' } };
      return { json: { symbol: asset.symbol, [key]: render(ex, asset.symbol, now(), asset.tape) } };
    };
  router
    .on('GET', '/v2/stocks/trades/latest', many('trades', trade))
    .on('GET', '/v2/stocks/quotes/latest', many('quotes', quote))
    .on('GET', '/v2/stocks/:symbol/trades/latest', single('trade', trade))
    .on('GET', '/v2/stocks/:symbol/quotes/latest', single('quote', quote))
    .on('GET', '/v2/stocks/:symbol/bars', (req) => bars(req, now()));
}

const TIMEFRAMES: Readonly<Record<string, number>> = {
  '1Min': 60_000,
  '5Min': 300_000,
  '15Min': 900_000,
  '30Min': 1_800_000,
  '1Hour': 3_600_000,
  '1Day': 86_400_000,
};

/**
 * Historical bars as data.alpaca.markets serves them: RFC 3339 start/end, limit 1…10000, next_page_token while more
 * remain. Bars come from the shared priceAt path, so they agree with the latest trades and the stream.
 */
function bars(req: SimRequest, now: number): SimResponse {
  const error = feedError(req);
  if (error) return error;
  const asset = assetBySymbol(req.params.symbol!.toUpperCase());
  if (!asset) return { status: 404, json: { message: 'not found' } };
  const length = TIMEFRAMES[req.query.get('timeframe') ?? ''];
  if (!length) return { status: 422, json: { message: `invalid timeframe: ${req.query.get('timeframe') ?? ''}` } };
  const start = Date.parse(req.query.get('start') ?? '');
  const end = req.query.has('end') ? Date.parse(req.query.get('end')!) : now;
  if (!Number.isFinite(start) || !Number.isFinite(end)) return { status: 422, json: { message: 'invalid start or end' } };
  const limit = Number(req.query.get('limit') ?? '1000');
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return { status: 422, json: { message: 'invalid limit' } };
  const token = req.query.get('page_token');
  const from = token ? Number(Buffer.from(token, 'base64').toString('utf8')) : start;
  const all = simBars(asset.symbol, from, end, length, now);
  const page = all.slice(0, limit);
  const more = all.length > limit ? Buffer.from(String(all[limit]!.time)).toString('base64') : null;
  const wire = page.map((b) => ({
    t: new Date(b.time).toISOString().replace('.000Z', 'Z'),
    o: b.open,
    h: b.high,
    l: b.low,
    c: b.close,
    v: b.volume,
    n: 1,
    vw: b.close,
  }));
  return { json: { bars: wire.length > 0 ? wire : null, symbol: asset.symbol, next_page_token: more } };
}
