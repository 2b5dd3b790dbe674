import { generateKeyPairSync } from 'node:crypto';
import type { BrokerId, Environment } from '../../../src/shared/brokers';
import type { ManualClock } from '../../../src/main/clock';
import { start as startAngel } from '../../simulators/angel-one';
import { startAlpaca } from '../../simulators/alpaca';
import { startBinance } from '../../simulators/binance';
import { start as startDhan } from '../../simulators/dhan';
import { start as startFyers } from '../../simulators/fyers';
import { startIbkrGateway } from '../../simulators/ibkr';
import { start as startTastytrade, type TastytradeSimulatorHandle } from '../../simulators/tastytrade';
import { start as startTradier, type TradierSimulatorHandle } from '../../simulators/tradier';
import { start as startXts } from '../../simulators/xts';
import { start as startZerodha } from '../../simulators/zerodha';
import type { SimExchange } from '../../simulators/exchange';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A running simulator as the IPC tests use it: where it listens, what the trader types, and its test controls. */
export interface RunningSim {
  baseUrl: string;
  /** The connection fields the trader enters in the wizard (the broker's descriptor fields). */
  fields: Record<string, string>;
  /** OAuth brokers: register the app's redirect URL at the broker. */
  setRedirectUrl?(url: string): void;
  /** The simulator's "every session is gone" control (master logout, gateway timeout…); absent for key-only brokers. */
  expireSessions?(): void;
  close(): Promise<void>;
  /** The simulator's own exchange (its order book and fills), where its handle exposes it. */
  exchange?: SimExchange;
  /** Turn on rate limits the simulator leaves off by default for the other tests (XTS's 1/s reads). */
  enforceRateLimits?(): void;
}

/** What a trader trades on this broker in the trading journey (test/integration/brokers-trading.test.ts). */
export interface TradeCase {
  /** The ticket's symbol (EXCHANGE:SYMBOL as BrokerVault writes it). */
  symbol: string;
  /** The key the simulator's shared price path prices that symbol by (priceAt). */
  simSymbol: string;
  /** Product for brokers that need one (Indian brokers: CNC delivery). */
  product?: string;
  quantity: number;
  /** Price step of the symbol at the broker: resting limit prices are rounded to it. */
  tick: number;
  /** The broker order id BrokerVault records for an order in the simulator's exchange (default: its id as is). */
  brokerOrderId?(simOrderId: string): string;
  /** Path of the request that places an order (POST), to lose its answer. */
  orderPost: RegExp;
}

export interface BrokerCase {
  id: BrokerId;
  /** Key of the simulator in test/simulators/registry.ts (the XTS brokers share `xts`). */
  sim: string;
  environment: Environment;
  /** Signs in through the system browser (connections:login → openExternal → loopback redirect). */
  oauth: boolean;
  /**
   * Start this broker's simulator on `clock`. With a canary, every secret the simulator accepts carries
   * it (where the simulator lets tests choose credentials).
   */
  start(clock: ManualClock, canary?: string): Promise<RunningSim>;
  /** The same fields with one credential wrong, carrying `tag` in a secret where the broker has one. */
  wrong(fields: Record<string, string>, tag: string): Record<string, string>;
  /** The error code wrong credentials give (default INVALID_CREDENTIALS). */
  wrongCode?: string;
  /**
   * OAuth brokers: where wrong keys are refused. Most only at the end, when the code is exchanged; Dhan's
   * consent flow already when BrokerVault asks for a consent, before any browser opens.
   */
  wrongKeysRefused?: 'at-exchange' | 'before-browser';
  /** What validation reports for the simulator's account. */
  account: { accountMasked: string; accountType: string; buyingPower: number; currency: string };
  /** Expected token expiry for a session started at `now` (null: the broker has no session expiry). */
  expiry(now: number): number | null;
  /** A query that finds `symbol` in the broker's instrument master; absent where the broker has none. */
  search?: { query: string; symbol: string };
  /** Brokers without a master: a query the broker's live symbol search (adapter.searchSymbols) answers with `symbol`. */
  liveSearch?: { query: string; symbol: string; exchange: string };
  /**
   * How a session is made to expire for the 'expired' check: by moving the clock past the token's
   * expiry, or by the simulator's control. Absent: key-only broker, nothing expires.
   */
  expire?: 'clock' | 'sim';
  /** What the trading journey trades on this broker. */
  trade?: TradeCase;
}

/** Next 00:00 UTC + offset after `now`, e.g. 06:00 IST = 00:30 UTC. */
function nextUtcTime(now: number, offsetMs: number): number {
  const day = Math.floor((now - offsetMs) / DAY) * DAY + offsetMs;
  return day + DAY;
}

const xtsCase = (id: BrokerId): BrokerCase => ({
  id,
  sim: 'xts',
  environment: 'live',
  oauth: false,
  async start(clock, canary) {
    const sim = await startXts({
      clock,
      credentials: canary ? { interactiveSecretKey: `i${canary}`, marketDataSecretKey: `m${canary}`, interactiveAppKey: `a${canary}` } : undefined,
    });
    sim.setReadRateLimit(false);
    return {
      baseUrl: sim.baseUrl,
      fields: { ...sim.credentials },
      expireSessions: () => sim.expireSessions(),
      close: () => sim.close(),
      exchange: sim.exchange,
      enforceRateLimits: () => sim.setReadRateLimit(true),
    };
  },
  wrong: (fields, tag) => ({ ...fields, interactiveSecretKey: `w${tag}` }),
  account: { accountMasked: '••••4821', accountType: 'Retail XTS account (Individual)', buyingPower: 1_000_000, currency: 'INR' },
  expiry: (now) => now + DAY,
  search: { query: 'SBIN', symbol: 'NSE:SBIN' },
  expire: 'sim',
  trade: {
    symbol: 'NSE:SBIN',
    simSymbol: 'NSE:SBIN',
    product: 'CNC',
    quantity: 1,
    tick: 0.05,
    brokerOrderId: (id) => String(1_200_000_000 + Number(id)),
    orderPost: /^\/interactive\/orders$/,
  },
});

/** The simulated Dhan account, the same whichever way the three Dhan entries log in. */
const DHAN_ACCOUNT: Pick<BrokerCase, 'account' | 'expiry' | 'search' | 'expire' | 'trade'> = {
  account: { accountMasked: '••••0003', accountType: 'Individual', buyingPower: 1_000_000, currency: 'INR' },
  expiry: (now) => now + DAY,
  search: { query: 'SBIN', symbol: 'NSE:SBIN' },
  expire: 'clock',
  trade: { symbol: 'NSE:SBIN', simSymbol: 'NSE:SBIN', product: 'CNC', quantity: 1, tick: 0.05, orderPost: /^\/v2\/orders$/ },
};

/** The simulated Binance account, the same with an HMAC key or an Ed25519 key. */
const BINANCE_ACCOUNT: Pick<BrokerCase, 'account' | 'expiry' | 'search' | 'trade'> = {
  account: { accountMasked: '••••7868', accountType: 'Spot, trading enabled, IP-restricted', buyingPower: 10_000, currency: 'USDT' },
  expiry: () => null,
  search: { query: 'BTC', symbol: 'CRYPTO:BTCUSDT' },
  trade: {
    symbol: 'CRYPTO:BTCUSDT',
    simSymbol: 'BTCUSDT',
    quantity: 0.01,
    tick: 0.01,
    brokerOrderId: (id) => `BTCUSDT:${Number(id)}`,
    orderPost: /^\/api\/v3\/order$/,
  },
};

export const CASES: BrokerCase[] = [
  {
    id: 'zerodha',
    sim: 'zerodha',
    environment: 'live',
    oauth: true,
    async start(clock, canary) {
      const sim = await startZerodha({ clock, apiSecret: canary ? `s${canary}` : undefined, sessionToken: canary ? `t${canary}` : undefined });
      return {
        baseUrl: sim.baseUrl,
        fields: { ...sim.credentials },
        setRedirectUrl: sim.setRedirectUrl,
        expireSessions: sim.expireSessions,
        close: () => sim.close(),
        exchange: sim.exchange,
      };
    },
    wrong: (fields, tag) => ({ ...fields, api_secret: `wrong${tag}secret0000` }),
    account: { accountMasked: '••••4821', accountType: 'individual', buyingPower: 1_000_000, currency: 'INR' },
    expiry: (now) => nextUtcTime(now, 30 * 60_000),
    search: { query: 'INFY', symbol: 'NSE:INFY' },
    expire: 'clock',
    trade: { symbol: 'NSE:INFY', simSymbol: 'NSE:INFY', product: 'CNC', quantity: 1, tick: 0.05, orderPost: /^\/orders\/regular$/ },
  },
  {
    id: 'dhan',
    sim: 'dhan',
    environment: 'live',
    oauth: false,
    async start(clock, canary) {
      const sim = await startDhan({ clock });
      const fields = { ...sim.credentials };
      if (canary) {
        const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const exp = clock.now() + DAY;
        fields.accessToken = `${part({ typ: 'JWT', alg: 'HS512' })}.${part({ iss: 'dhan', exp: Math.floor(exp / 1000), dhanClientId: fields.dhanClientId })}.${canary}`;
        sim.registerToken(fields.accessToken, exp);
      }
      return { baseUrl: sim.baseUrl, fields, expireSessions: sim.expireSessions, close: () => sim.close(), exchange: sim.exchange };
    },
    wrong: (fields, tag) => ({ ...fields, accessToken: `${fields.accessToken!.split('.').slice(0, 2).join('.')}.w${tag}` }),
    // Dhan answers a token it does not know with DH-901 "invalid or expired", which the adapter reports as expired.
    wrongCode: 'TOKEN_EXPIRED',
    ...DHAN_ACCOUNT,
  },
  {
    id: 'dhan-api-key',
    sim: 'dhan',
    environment: 'live',
    oauth: true,
    async start(clock, canary) {
      const sim = await startDhan({ clock, apiSecret: canary ? `s${canary}` : undefined });
      return {
        baseUrl: sim.baseUrl,
        fields: { ...sim.apiKeyCredentials },
        setRedirectUrl: sim.setRedirectUrl,
        expireSessions: sim.expireSessions,
        close: () => sim.close(),
        exchange: sim.exchange,
      };
    },
    wrong: (fields, tag) => ({ ...fields, apiSecret: `wrong${tag}` }),
    wrongKeysRefused: 'before-browser',
    ...DHAN_ACCOUNT,
  },
  {
    id: 'dhan-totp',
    sim: 'dhan',
    environment: 'live',
    oauth: false,
    async start(clock, canary) {
      // A canary in the TOTP seed (base32 letters), where every login carries it.
      const sim = await startDhan({ clock, totpSecret: canary ? `${canary}GEZDGNBVGY3TQOJQ` : undefined });
      return { baseUrl: sim.baseUrl, fields: { ...sim.totpCredentials }, expireSessions: sim.expireSessions, close: () => sim.close(), exchange: sim.exchange };
    },
    wrong: (fields) => ({ ...fields, pin: fields.pin === '000000' ? '111111' : '000000' }),
    ...DHAN_ACCOUNT,
  },
  {
    id: 'fyers',
    sim: 'fyers',
    environment: 'live',
    oauth: true,
    async start(clock, canary) {
      const sim = await startFyers({ clock, secretKey: canary ? `S${canary}` : undefined, sessionToken: canary ? `t${canary}` : undefined });
      return {
        baseUrl: sim.baseUrl,
        fields: { ...sim.credentials },
        setRedirectUrl: sim.setRedirectUrl,
        expireSessions: sim.expireSessions,
        close: () => sim.close(),
        exchange: sim.exchange,
      };
    },
    wrong: (fields, tag) => ({ ...fields, secret_key: `WRONG${tag}` }),
    account: { accountMasked: '••••8213', accountType: 'individual', buyingPower: 1_000_000, currency: 'INR' },
    // FYERS puts 05:30 IST the next morning into the token (00:00 UTC).
    expiry: (now) => nextUtcTime(now, 0),
    search: { query: 'SBIN', symbol: 'NSE:SBIN' },
    expire: 'clock',
    trade: { symbol: 'NSE:SBIN', simSymbol: 'NSE:SBIN', product: 'CNC', quantity: 1, tick: 0.05, orderPost: /^\/api\/v3\/orders\/sync$/ },
  },
  {
    id: 'angel-one',
    sim: 'angel-one',
    environment: 'live',
    oauth: false,
    async start(clock, canary) {
      const sim = await startAngel({ clock, credentials: canary ? { api_key: `k${canary}`, totp_secret: `${canary}JBSWY3DPEHPK3PXP` } : undefined });
      return { baseUrl: sim.baseUrl, fields: { ...sim.credentials }, expireSessions: sim.expireSessions, close: () => sim.close(), exchange: sim.exchange };
    },
    wrong: (fields) => ({ ...fields, mpin: fields.mpin === '0000' ? '1111' : '0000' }),
    account: { accountMasked: '••••3456', accountType: 'Individual (SmartAPI)', buyingPower: 1_000_000, currency: 'INR' },
    // Midnight IST (18:30 UTC) of the login day.
    expiry: (now) => nextUtcTime(now, 18.5 * HOUR),
    search: { query: 'SBIN', symbol: 'NSE:SBIN' },
    expire: 'clock',
    trade: { symbol: 'NSE:SBIN', simSymbol: 'NSE:SBIN', product: 'CNC', quantity: 1, tick: 0.05, orderPost: /\/order\/v1\/placeOrder$/ },
  },
  xtsCase('xts-5paisa'),
  xtsCase('xts-iifl'),
  xtsCase('xts-compositedge'),
  {
    id: 'alpaca',
    sim: 'alpaca',
    environment: 'paper',
    oauth: false,
    async start(clock) {
      const sim = await startAlpaca({ clock });
      return { baseUrl: sim.baseUrl, fields: { ...sim.credentials }, close: () => sim.close(), exchange: sim.exchange };
    },
    wrong: (fields, tag) => ({ ...fields, apiSecretKey: `w${tag}xxxxxxxxxxxxxxxxxxxx` }),
    account: { accountMasked: '••••Q7XZ', accountType: 'Cash', buyingPower: 100_000, currency: 'USD' },
    expiry: () => null,
    search: { query: 'AAPL', symbol: 'US:AAPL' },
    trade: { symbol: 'US:AAPL', simSymbol: 'AAPL', quantity: 1, tick: 0.01, orderPost: /^\/v2\/orders$/ },
  },
  {
    id: 'tradier',
    sim: 'tradier',
    environment: 'sandbox',
    oauth: false,
    async start(clock, canary) {
      const sim = (await startTradier({ clock })) as TradierSimulatorHandle;
      const fields = { ...sim.credentials };
      if (canary) {
        fields.access_token = `T${canary}`;
        sim.addAccessToken(fields.access_token);
      }
      return { baseUrl: sim.baseUrl, fields, expireSessions: sim.expireSessions, close: () => sim.close(), exchange: sim.exchange };
    },
    wrong: (fields, tag) => ({ ...fields, access_token: `W${tag}0000000000000000` }),
    account: { accountMasked: '••••2345', accountType: 'individual margin', buyingPower: 100_000, currency: 'USD' },
    expiry: () => null,
    expire: 'sim',
    liveSearch: { query: 'MS', symbol: 'US:MSFT', exchange: 'NASDAQ' },
    trade: {
      symbol: 'US:MSFT',
      simSymbol: 'MSFT',
      quantity: 1,
      tick: 0.01,
      brokerOrderId: (id) => String(Number(id)),
      orderPost: /^\/v1\/accounts\/[^/]+\/orders$/,
    },
  },
  {
    id: 'tastytrade',
    sim: 'tastytrade',
    environment: 'sandbox',
    oauth: false,
    async start(clock, canary) {
      const sim = (await startTastytrade({ clock })) as TastytradeSimulatorHandle;
      const fields = { ...sim.credentials };
      if (canary) {
        sim.addGrant({ clientId: null, clientSecret: `${canary}-secret`, refreshToken: `${canary}-refresh-token` });
        delete fields.client_id;
        fields.client_secret = `${canary}-secret`;
        fields.refresh_token = `${canary}-refresh-token`;
      }
      return { baseUrl: sim.baseUrl, fields, expireSessions: sim.expireSessions, close: () => sim.close(), exchange: sim.exchange };
    },
    wrong: (fields, tag) => ({ ...fields, refresh_token: `wrong-${tag}-refresh-token` }),
    account: { accountMasked: '••••2345', accountType: 'Individual Margin', buyingPower: 100_000, currency: 'USD' },
    expiry: (now) => now + 15 * 60_000,
    expire: 'sim',
    liveSearch: { query: 'AA', symbol: 'US:AAPL', exchange: 'NASDAQ' },
    trade: {
      symbol: 'US:AAPL',
      simSymbol: 'AAPL',
      quantity: 1,
      tick: 0.01,
      brokerOrderId: (id) => String(Number(id)),
      orderPost: /^\/accounts\/[^/]+\/orders$/,
    },
  },
  {
    id: 'ibkr',
    sim: 'ibkr',
    environment: 'paper',
    oauth: false,
    async start(clock) {
      const sim = await startIbkrGateway({ clock, globalPerSecond: 1_000 });
      return { baseUrl: sim.baseUrl, fields: { ...sim.credentials }, expireSessions: sim.expireSessions, close: () => sim.close(), exchange: sim.exchange };
    },
    wrong: (fields) => ({ ...fields, accountId: 'DU7654321' }),
    account: { accountMasked: '••••4567', accountType: 'DEMO', buyingPower: 100_000, currency: 'USD' },
    // The gateway session ends at midnight New York time (05:00 UTC in January).
    expiry: (now) => nextUtcTime(now, 5 * HOUR),
    expire: 'sim',
    liveSearch: { query: 'IB', symbol: 'US:IBM', exchange: 'NYSE' },
    trade: { symbol: 'US:MSFT', simSymbol: 'US:MSFT', quantity: 1, tick: 0.01, orderPost: /^\/v1\/api\/iserver\/account\/[^/]+\/orders$/ },
  },
  {
    id: 'binance',
    sim: 'binance',
    environment: 'live',
    oauth: false,
    async start(clock) {
      const sim = await startBinance({ clock });
      return { baseUrl: sim.baseUrl, fields: { ...sim.credentials }, close: () => sim.close(), exchange: sim.exchange };
    },
    wrong: (fields, tag) => ({ ...fields, secretKey: `w${tag}0000000000000000` }),
    ...BINANCE_ACCOUNT,
  },
  {
    id: 'binance-ed25519',
    sim: 'binance',
    environment: 'live',
    oauth: false,
    async start(clock) {
      const sim = await startBinance({ clock });
      return { baseUrl: sim.baseUrl, fields: { ...sim.ed25519Credentials }, close: () => sim.close(), exchange: sim.exchange };
    },
    // Another Ed25519 key than the one registered: every signature fails.
    wrong: (fields) => ({ ...fields, privateKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }),
    ...BINANCE_ACCOUNT,
  },
];
