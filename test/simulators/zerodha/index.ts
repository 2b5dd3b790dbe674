import type { SimExchange } from '../exchange';
import { systemClock } from '../../../src/main/clock';
import { systemScheduler } from '../../../src/main/scheduler';
import { serve, SimRouter, type SimHandler, type SimulatorHandle, type SimulatorOptions } from '../harness';
import { apiRoutes } from './api';
import type { KiteGttBook } from './gtt';
import { ROUTE_NOT_FOUND } from './envelope';
import { loginRoutes } from './login';
import { KiteState } from './state';
import { KiteTicker } from './ticker';

export interface ZerodhaSimOptions extends SimulatorOptions {
  /** Override the test app's credentials (e.g. the canary test). */
  apiKey?: string;
  apiSecret?: string;
  /** Opening cash balance in INR. */
  cash?: number;
  /** The redirect URL registered on the simulated Kite Connect app. */
  redirectUrl?: string;
  /** Access token of the pre-issued session (default: random). */
  sessionToken?: string;
  /** Ticker: interval of ticks and heartbeats (default 1 s), tokens per socket (3000), sockets per api_key (3). */
  tickerBeatMs?: number;
  tickerInstrumentLimit?: number;
  tickerConnectionLimit?: number;
}

export interface ZerodhaSimHandle extends SimulatorHandle {
  /** The simulated Zerodha user, for typing into the login page by hand. */
  loginUser: { user_id: string; password: string; totpSecret: string };
  /** Register the app's redirect URL (developer console → My apps → Redirect URL). */
  setRedirectUrl(url: string): void;
  /** Make every access token invalid, as a master logout does. */
  expireSessions(): void;
  /** A fresh session (a new day's login), in the same fields as `session`. */
  newSession(): Record<string, string>;
  /** Pretend requests come from this IP; order endpoints accept only the registered ones. */
  setCallerIp(ip: string): void;
  registeredIps: readonly string[];
  /** Change the cash balance (e.g. to force an RMS rejection). */
  setCash(inr: number): void;
  /** Kite Ticker at the root: `ws://127.0.0.1:P/` (the SDK appends api_key and access_token). */
  streamUrl: string;
  /** The ticker, so tests can drop every socket, mute it, or count its sockets. */
  ticker: KiteTicker;
  /** The order book behind the API (a test plays the trader acting in Kite's own app). */
  exchange: SimExchange;
  /** The GTT triggers behind /gtt/triggers. */
  gtt: KiteGttBook;
}

/** Kite Connect v3 on loopback: api.kite.trade paths and kite.zerodha.com/connect/login under one base URL. */
export async function start(options: ZerodhaSimOptions = {}): Promise<ZerodhaSimHandle> {
  const clock = options.clock ?? systemClock;
  const state = new KiteState(
    clock,
    options.apiKey ?? 'kitesimkey0001',
    options.apiSecret ?? 'kitesimsecret00000000000000000001',
    options.cash ?? 1_000_000,
    options.redirectUrl ?? null,
  );
  const router = new SimRouter();
  loginRoutes(router, state);
  apiRoutes(router, state);
  const ticker = new KiteTicker({
    state,
    scheduler: options.scheduler ?? systemScheduler(clock),
    beatMs: options.tickerBeatMs ?? 1_000,
    instrumentLimit: options.tickerInstrumentLimit ?? 3_000,
    connectionLimit: options.tickerConnectionLimit ?? 3,
  });
  // Every request goes through the routes, then an order placed or cancelled over REST becomes a postback.
  const routed: SimHandler = async (req) => {
    state.gtt.settle();
    const found = router.match(req.method, req.path);
    const out = found ? await found.handler({ ...req, params: found.params }) : ROUTE_NOT_FOUND();
    state.gtt.settle();
    ticker.publishChanges();
    return out;
  };
  const server = await serve(new SimRouter(), { port: options.port, notFound: routed, upgrade: (req, socket, head) => ticker.upgrade(req, socket, head) });
  const session = state.issueSession(options.sessionToken);
  return {
    ...server,
    // Upgraded sockets are no longer the HTTP server's connections: end them first.
    close: async () => {
      ticker.close();
      await server.close();
    },
    streamUrl: `${server.baseUrl.replace(/^http/, 'ws')}/`,
    ticker,
    broker: 'zerodha',
    credentials: { api_key: state.apiKey, api_secret: state.apiSecret },
    session: { access_token: session.accessToken, user_id: state.user.userId, login_time: String(session.loginAt) },
    loginUser: { user_id: state.user.userId, password: state.password, totpSecret: state.totpSecret },
    setRedirectUrl: (url) => (state.redirectUrl = url),
    expireSessions: () => state.sessions.clear(),
    newSession: () => {
      const next = state.issueSession();
      return { access_token: next.accessToken, user_id: state.user.userId, login_time: String(next.loginAt) };
    },
    setCallerIp: (ip) => (state.callerIp = ip),
    registeredIps: state.registeredIps,
    setCash: (inr) => (state.exchange.cash = inr),
    exchange: state.exchange,
    gtt: state.gtt,
  };
}
