import type { SimExchange } from '../exchange';
import type { SimRequest, SimResponse, SimRouter } from '../harness';
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
    .on('GET', '/v2/stocks/:symbol/quotes/latest', single('quote', quote));
}
