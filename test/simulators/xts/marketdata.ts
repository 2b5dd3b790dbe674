import type { SimRouter, SimRequest, SimResponse } from '../harness';
import { guard, jsonBody } from './guard';
import { findInstrument, masterText, SEGMENT_CODES, type SimInstrument } from './instruments';
import { badRequest, CODES, error, success } from './responses';
import { loginBody, type XtsSimState } from './state';
import { simBars } from '../bars';

const ROOT = '/apimarketdata';
const MESSAGE_CODES = [1501, 1502, 1504, 1505, 1510, 1512];
/** Seconds from 1980-01-01 00:00 IST to the Unix epoch's 1970-01-01 00:00 UTC. */
const XTS_EPOCH_OFFSET = 315_513_000;

function quoteJson(state: XtsSimState, instrument: SimInstrument, messageCode: number): string {
  const price = state.exchange.price(instrument.symbol);
  const tick = instrument.tickSize;
  const round = (n: number) => Math.round(n / tick) * tick;
  const xtsTime = Math.floor(state.clock.now() / 1000) - XTS_EPOCH_OFFSET;
  const level = (p: number, size: number) => ({ Size: size, Price: Number(p.toFixed(2)), TotalOrders: 3, BuyBackMarketMaker: 0 });
  const bid = level(round(price - tick), 120);
  const ask = level(round(price + tick), 95);
  return JSON.stringify({
    MessageCode: messageCode,
    MessageVersion: 4,
    ApplicationType: 0,
    TokenID: 0,
    ExchangeSegment: SEGMENT_CODES[instrument.segment],
    ExchangeInstrumentID: instrument.id,
    ExchangeTimeStamp: xtsTime,
    Bids: [bid],
    Asks: [ask],
    Touchline: {
      BidInfo: bid,
      AskInfo: ask,
      LastTradedPrice: price,
      LastTradedQunatity: 10,
      TotalBuyQuantity: 5400,
      TotalSellQuantity: 6100,
      TotalTradedQuantity: 182_300,
      AverageTradedPrice: price,
      LastTradedTime: xtsTime,
      LastUpdateTime: xtsTime,
      PercentChange: 0,
      Open: price,
      High: price,
      Low: price,
      Close: price,
      TotalValueTraded: null,
      BuyBackTotalBuy: 0,
      BuyBackTotalSell: 0,
    },
    BookType: 1,
    XMarketType: 1,
    SequenceNumber: 1,
  });
}

function quotes(state: XtsSimState, req: SimRequest): SimResponse {
  const body = jsonBody(req);
  const instruments = body?.instruments;
  if (!Array.isArray(instruments) || instruments.length === 0) return badRequest('instruments', '"instruments" must contain at least 1 items');
  if (instruments.length > 50) return badRequest('instruments', '"instruments" must contain less than or equal to 50 items');
  const messageCode = Number(body?.xtsMessageCode);
  if (!MESSAGE_CODES.includes(messageCode)) return badRequest('xtsMessageCode', `"xtsMessageCode" must be one of [${MESSAGE_CODES.join(', ')}]`);
  if (body?.publishFormat !== 'JSON' && body?.publishFormat !== 'Binary') return badRequest('publishFormat', '"publishFormat" must be one of [JSON, Binary]');
  const found: SimInstrument[] = [];
  for (const entry of instruments) {
    const e = entry as { exchangeSegment?: unknown; exchangeInstrumentID?: unknown };
    const instrument = findInstrument(Number(e.exchangeSegment), Number(e.exchangeInstrumentID));
    if (instrument) found.push(instrument);
  }
  return success('s-quotes-0001', 'Get quotes successfully!', {
    mdp: messageCode,
    quotesList: found.map((i) => ({ exchangeSegment: SEGMENT_CODES[i.segment], exchangeInstrumentID: i.id })),
    listQuotes: found.map((i) => quoteJson(state, i, messageCode)),
  });
}

const IST_MS = 330 * 60_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** compressionValue → bar length and phase (sessions open 09:15 IST, so hourly bars open at :15; day bars at IST midnight). */
const COMPRESSION: Readonly<Record<string, { length: number; phase: number }>> = {
  '60': { length: 60_000, phase: 0 },
  '300': { length: 300_000, phase: 0 },
  '900': { length: 900_000, phase: 0 },
  '1800': { length: 1_800_000, phase: 15 * 60_000 },
  '3600': { length: 3_600_000, phase: 45 * 60_000 },
  D: { length: 86_400_000, phase: -IST_MS },
};

/** "Dec 07 2026 091500" on the IST clock → epoch ms (NaN otherwise). */
function parseXtsTime(text: string | null): number {
  const m = /^([A-Z][a-z]{2}) (\d{2}) (\d{4}) (\d{2})(\d{2})(\d{2})$/.exec(text ?? '');
  const month = m ? MONTHS.indexOf(m[1]!) : -1;
  return m && month >= 0 ? Date.UTC(+m[3]!, month, +m[2]!, +m[4]!, +m[5]!, +m[6]!) - IST_MS : NaN;
}

/**
 * GET /instruments/ohlc: bars from the shared price path (so they agree with quotes and the socket) as one text of
 * "time|open|high|low|close|volume|oi," rows, `time` in seconds on the IST wall clock read as UTC.
 */
function ohlc(state: XtsSimState, req: SimRequest): SimResponse {
  const segment = req.query.get('exchangeSegment') ?? '';
  const instrument = findInstrument(/^\d+$/.test(segment) ? Number(segment) : segment, Number(req.query.get('exchangeInstrumentID')));
  if (!instrument) return badRequest('exchangeInstrumentID', '"exchangeInstrumentID" is not a known instrument');
  const spec = COMPRESSION[req.query.get('compressionValue') ?? ''];
  if (!spec) return badRequest('compressionValue', '"compressionValue" must be one of [60, 300, 900, 1800, 3600, D]');
  const from = parseXtsTime(req.query.get('startTime'));
  const to = parseXtsTime(req.query.get('endTime'));
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return badRequest('startTime', '"startTime" and "endTime" must be "MMM DD YYYY HHmmss"');
  const bars = simBars(instrument.symbol, from, to + 1000, spec.length, state.clock.now(), spec.phase);
  const text = bars.map((b) => `${(b.time + IST_MS) / 1000}|${b.open}|${b.high}|${b.low}|${b.close}|${b.volume}|0,`).join('');
  return success('s-instrument-0002', 'Instrument OHLC', { exchangeSegment: instrument.segment, exchangeInstrumentID: instrument.id, dataReponse: text });
}

export function marketDataRoutes(router: SimRouter, state: XtsSimState): void {
  router.on('POST', `${ROOT}/auth/login`, (req) => {
    const body = loginBody(req);
    const { marketDataAppKey, marketDataSecretKey } = state.credentials;
    if (!body.appKey) return badRequest('appKey', '"appKey" is required');
    if (!body.secretKey) return badRequest('secretKey', '"secretKey" is required');
    if (!body.source) return badRequest('source', '"source" is required');
    if (body.appKey !== marketDataAppKey || body.secretKey !== marketDataSecretKey) {
      return error(400, CODES.invalidLogin, 'Invalid appKey or secretKey');
    }
    return success('s-user-0001', 'Valid User.', {
      token: state.issue('marketData'),
      userID: state.clientCode,
      appVersion: '1.0.0',
      application_expiry_date: '2027-12-31',
    });
  });
  router.on(
    'DELETE',
    `${ROOT}/auth/logout`,
    guard(state, 'marketData', {}, () => {
      state.logout('marketData');
      return success('s-user-0002', 'User logged out successfully', {});
    }),
  );
  router.on(
    'POST',
    `${ROOT}/instruments/quotes`,
    guard(state, 'marketData', {}, (req) => quotes(state, req)),
  );
  router.on(
    'GET',
    `${ROOT}/instruments/ohlc`,
    guard(state, 'marketData', {}, (req) => ohlc(state, req)),
  );
  router.on(
    'POST',
    `${ROOT}/instruments/master`,
    guard(state, 'marketData', {}, (req) => {
      const list = jsonBody(req)?.exchangeSegmentList;
      if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string' && s in SEGMENT_CODES)) {
        return badRequest('exchangeSegmentList', '"exchangeSegmentList" must be an array of exchange segments');
      }
      return success(
        's-instrument-0002',
        'Instrument master data',
        masterText(list as string[], (s) => state.exchange.price(s)),
      );
    }),
  );
  router.on(
    'GET',
    `${ROOT}/instruments/indexlist`,
    guard(state, 'marketData', {}, (req) => {
      const segment = Number(req.query.get('exchangeSegment'));
      if (segment !== 1 && segment !== 11) return badRequest('exchangeSegment', '"exchangeSegment" must be one of [1, 11]');
      const indexList = segment === 1 ? ['NIFTY 50_26000', 'NIFTY BANK_26001'] : ['SENSEX_26065'];
      return success('s-instrument-0001', 'Index list', { exchangeSegment: segment, indexList });
    }),
  );
}
