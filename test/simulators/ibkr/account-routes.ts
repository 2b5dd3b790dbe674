import { simBars } from '../bars';
import { priceAt } from '../exchange';
import type { SimRouter } from '../harness';
import { CONTRACTS, contractByConid, exchangeSymbol, guarded, insideRegularHours, type GatewayState } from './state';

const POSITIONS_PAGE = 100;
/** History bar names → bar length (ms), and period units → ms. */
const HISTORY_BARS: Readonly<Record<string, number>> = {
  '1min': 60_000,
  '5min': 300_000,
  '15min': 900_000,
  '30min': 1_800_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};
const PERIOD_UNIT_MS: Readonly<Record<string, number>> = { min: 60_000, h: 3_600_000, d: 86_400_000 };

export function accountRoutes(router: SimRouter, state: GatewayState): void {
  const isPaper = state.accounts[0]!.startsWith('D');

  router.on(
    'GET',
    '/v1/api/iserver/accounts',
    guarded(state, 'brokerage', () => {
      state.primed = true;
      const props = Object.fromEntries(
        state.accounts.map((a) => [a, { hasChildAccounts: false, supportsCashQty: true, supportsFractions: false, allowCustomerTime: false }]),
      );
      return {
        json: {
          accounts: state.accounts,
          acctProps: props,
          aliases: Object.fromEntries(state.accounts.map((a) => [a, a])),
          allowFeatures: { showGFIS: true, showEUCostReport: false, allowFXConv: true, allowTypeAhead: true, snapshotRefreshTimeout: 30 },
          chartPeriods: { STK: ['*'] },
          groups: [],
          profiles: [],
          selectedAccount: state.selectedAccount,
          serverInfo: { serverName: 'JifN19053', serverVersion: 'Build 10.25.0p' },
          sessionId: '65f1c0e2.0000001',
          isFT: false,
          isPaper,
        },
      };
    }),
  );

  router.on(
    'POST',
    '/v1/api/iserver/account',
    guarded(state, 'brokerage', (req) => {
      const { acctId } = req.json<{ acctId?: string }>();
      if (!acctId || !state.accounts.includes(acctId)) return { status: 400, json: { error: 'Account not found' } };
      state.selectedAccount = acctId;
      return { json: { set: true, acctId } };
    }),
  );

  router.on(
    'GET',
    '/v1/api/portfolio/accounts',
    guarded(
      state,
      'sso',
      () => {
        state.portfolioPrimed = true;
        return {
          json: state.accounts.map((id) => ({
            id,
            accountId: id,
            accountVan: id,
            accountTitle: 'Test Trader',
            displayName: 'Test Trader',
            accountAlias: null,
            accountStatus: 1644814800000,
            currency: 'USD',
            type: isPaper ? 'DEMO' : 'INDIVIDUAL',
            tradingType: 'STKCASH',
            faclient: false,
            clearingStatus: 'O',
            covestor: false,
            parent: {},
            desc: id,
          })),
        };
      },
      { key: 'portfolio/accounts', limit: 1, windowMs: 5_000 },
    ),
  );

  const portfolio = (handler: Parameters<typeof guarded>[2]) =>
    guarded(state, 'sso', (req) => {
      if (!state.portfolioPrimed) return { status: 400, json: { error: 'Please query /portfolio/accounts first' } };
      if (!state.accounts.includes(req.params.accountId ?? '')) return { status: 400, json: { error: 'Account not found' } };
      return handler(req);
    });

  router.on(
    'GET',
    '/v1/api/portfolio/:accountId/summary',
    portfolio(() => {
      const now = state.clock.now();
      const holdings = state.exchange.positionList().reduce((sum, p) => sum + p.quantity * state.exchange.price(p.symbol), 0);
      const cash = state.exchange.cash;
      const entry = (amount: number) => ({ amount: Math.round(amount * 100) / 100, currency: 'USD', isNull: false, timestamp: now, value: null, severity: 0 });
      const available = Math.max(0, cash);
      return {
        json: {
          accounttype: { amount: 0, currency: null, isNull: false, timestamp: now, value: isPaper ? 'DEMO' : 'INDIVIDUAL', severity: 0 },
          netliquidation: entry(cash + holdings),
          totalcashvalue: entry(cash),
          availablefunds: entry(available),
          excessliquidity: entry(available),
          buyingpower: entry(available),
          equitywithloanvalue: entry(cash + holdings),
          initmarginreq: entry(0),
          maintmarginreq: entry(0),
          grosspositionvalue: entry(holdings),
        },
      };
    }),
  );

  router.on(
    'GET',
    '/v1/api/portfolio/:accountId/positions/:pageId',
    portfolio((req) => {
      const page = Number(req.params.pageId);
      const all = state.exchange.positionList().filter((p) => p.quantity !== 0);
      const items = all.slice(page * POSITIONS_PAGE, (page + 1) * POSITIONS_PAGE).map((p) => {
        const contract = CONTRACTS.find((c) => exchangeSymbol(c) === p.symbol)!;
        const price = state.exchange.price(p.symbol);
        return {
          acctId: req.params.accountId,
          conid: contract.conid,
          contractDesc: contract.ticker,
          position: p.quantity,
          mktPrice: price,
          mktValue: p.quantity * price,
          currency: contract.currency,
          avgCost: p.averagePrice,
          avgPrice: p.averagePrice,
          realizedPnl: p.realizedPnl,
          unrealizedPnl: (price - p.averagePrice) * p.quantity,
          assetClass: 'STK',
          ticker: contract.ticker,
          listingExchange: contract.exchange,
          name: contract.companyName,
        };
      });
      return { json: items };
    }),
  );

  /**
   * Contract search: tickers starting with the text, exact match first (with `name=true` also company names
   * containing it). `secType` narrows to listings with that security type; unknown text answers "No symbol found".
   */
  const search = (input: { symbol?: string; name?: boolean; secType?: string }) => {
    const text = (input.symbol ?? '').trim().toUpperCase();
    // Every simulated contract is a stock: another secType finds nothing.
    if (!text || (input.secType && input.secType !== 'STK')) return { json: { error: 'No symbol found' } };
    const hits = CONTRACTS.filter((c) => c.ticker.startsWith(text) || (input.name === true && c.companyName.includes(text))).sort(
      (a, b) => Number(b.ticker === text) - Number(a.ticker === text) || a.ticker.localeCompare(b.ticker),
    );
    if (hits.length === 0) return { json: { error: 'No symbol found' } };
    return {
      json: hits.map((c) => ({
        conid: String(c.conid),
        companyHeader: `${c.companyName} - ${c.exchange}`,
        companyName: c.companyName,
        symbol: c.ticker,
        description: c.exchange,
        restricted: null,
        sections: [{ secType: 'STK' }, { secType: 'OPT', months: 'JAN26;FEB26', exchange: 'SMART' }],
      })),
    };
  };
  router.on(
    'GET',
    '/v1/api/iserver/secdef/search',
    guarded(state, 'brokerage', (req) =>
      search({ symbol: req.query.get('symbol') ?? '', name: req.query.get('name') === 'true', secType: req.query.get('secType') ?? undefined }),
    ),
  );
  router.on(
    'POST',
    '/v1/api/iserver/secdef/search',
    guarded(state, 'brokerage', (req) => search(req.json<{ symbol?: string; name?: boolean; secType?: string }>())),
  );

  // Market data: the first request for a conid in a session is the pre-flight and carries no fields.
  router.on(
    'GET',
    '/v1/api/iserver/marketdata/snapshot',
    guarded(
      state,
      'primed',
      (req) => {
        const fields = (req.query.get('fields') ?? '31').split(',');
        const conids = (req.query.get('conids') ?? '').split(',').filter(Boolean).map(Number);
        if (conids.length === 0) return { status: 400, json: { error: 'conids is required' } };
        const now = state.clock.now();
        const open = insideRegularHours(now);
        return {
          json: conids.map((conid) => {
            const item: Record<string, unknown> = { conid, conidEx: String(conid), _updated: now, server_id: `q${conid % 7}` };
            const contract = contractByConid(conid);
            if (!contract || !state.snapshotSeen.has(conid)) {
              state.snapshotSeen.add(conid);
              return item;
            }
            const symbol = exchangeSymbol(contract);
            const last = priceAt(symbol, now);
            const priorClose = priceAt(symbol, now - 86_400_000);
            const values: Record<string, string> = {
              '31': open ? last.toFixed(2) : `C${priorClose.toFixed(2)}`,
              '84': (last - 0.05).toFixed(2),
              '86': (last + 0.05).toFixed(2),
              '7741': priorClose.toFixed(2),
              '55': contract.ticker,
              '6509': 'RpB',
            };
            for (const f of fields) if (values[f] !== undefined) item[f] = values[f];
            return item;
          }),
        };
      },
      { key: 'snapshot', limit: 10, windowMs: 1_000 },
    ),
  );
  // GET /iserver/marketdata/history: bars counted back from startTime (UTC) over the period, from the shared price path.
  router.on(
    'GET',
    '/v1/api/iserver/marketdata/history',
    guarded(
      state,
      'primed',
      (req) => {
        const contract = contractByConid(Number(req.query.get('conid')));
        if (!contract) return { status: 400, json: { error: 'Invalid conid' } };
        const length = HISTORY_BARS[req.query.get('bar') ?? ''];
        const period = /^(\d+)(min|h|d)$/.exec(req.query.get('period') ?? '');
        const end = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(req.query.get('startTime') ?? '');
        if (!length || !period || !end) return { status: 400, json: { error: 'bar, period and startTime are required' } };
        const periodMs = Number(period[1]) * PERIOD_UNIT_MS[period[2]!]!;
        const endMs = Date.UTC(+end[1]!, +end[2]! - 1, +end[3]!, +end[4]!, +end[5]!, +end[6]!);
        const bars = simBars(exchangeSymbol(contract), endMs - periodMs, endMs, length, state.clock.now());
        if (bars.length > 1000) return { status: 400, json: { error: 'Too many data points requested: at most 1000' } };
        return {
          json: {
            symbol: contract.ticker,
            barLength: length / 1000,
            data: bars.map((b) => ({ t: b.time, o: b.open, h: b.high, l: b.low, c: b.close, v: b.volume })),
          },
        };
      },
      { key: 'history', limit: 5, windowMs: 1_000 },
    ),
  );
}
