import { systemClock } from '../../../src/main/clock';
import { serve, SimRouter, type SimulatorHandle, type SimulatorOptions } from '../harness';
import { apiRoutes } from './api';
import { ROUTE_NOT_FOUND } from './envelope';
import { loginRoutes } from './login';
import { KiteState } from './state';

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
}

export interface ZerodhaSimHandle extends SimulatorHandle {
  /** The simulated Zerodha user, for typing into the login page by hand. */
  loginUser: { user_id: string; password: string; totpSecret: string };
  /** Register the app's redirect URL (developer console → My apps → Redirect URL). */
  setRedirectUrl(url: string): void;
  /** Make every access token invalid, as a master logout does. */
  expireSessions(): void;
  /** Pretend requests come from this IP; order endpoints accept only the registered ones. */
  setCallerIp(ip: string): void;
  registeredIps: readonly string[];
  /** Change the cash balance (e.g. to force an RMS rejection). */
  setCash(inr: number): void;
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
  const server = await serve(router, { port: options.port, notFound: ROUTE_NOT_FOUND });
  const session = state.issueSession(options.sessionToken);
  return {
    ...server,
    broker: 'zerodha',
    credentials: { api_key: state.apiKey, api_secret: state.apiSecret },
    session: { access_token: session.accessToken, user_id: state.user.userId, login_time: String(session.loginAt) },
    loginUser: { user_id: state.user.userId, password: state.password, totpSecret: state.totpSecret },
    setRedirectUrl: (url) => (state.redirectUrl = url),
    expireSessions: () => state.sessions.clear(),
    setCallerIp: (ip) => (state.callerIp = ip),
    registeredIps: state.registeredIps,
    setCash: (inr) => (state.exchange.cash = inr),
  };
}
