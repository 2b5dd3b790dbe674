import { systemClock } from '../../../src/main/clock';
import { serve, SimRouter, type SimulatorHandle, type SimulatorOptions } from '../harness';
import { apiRoutes } from './api';
import { NOT_FOUND } from './envelope';
import { loginRoutes } from './login';
import { FyersState } from './state';

export interface FyersSimOptions extends SimulatorOptions {
  /** Override the test app's credentials (e.g. the canary test). */
  clientId?: string;
  secretKey?: string;
  /** Access token of the pre-issued session (default: a JWT). */
  sessionToken?: string;
  cash?: number;
  /** The redirect URL registered on the simulated app; without one any loopback URL is accepted. */
  redirectUrl?: string;
}

export interface FyersSimHandle extends SimulatorHandle {
  /** The simulated FYERS user, for typing into the login page by hand. */
  loginUser: { fy_id: string; pin: string; totpSecret: string };
  setRedirectUrl(url: string | null): void;
  /** Invalidate every access token (as a logout everywhere does). */
  expireSessions(): void;
  /** Pretend requests come from this IP; order endpoints accept only the registered ones. */
  setCallerIp(ip: string): void;
  registeredIps: readonly string[];
  setCash(inr: number): void;
}

/** FYERS API v3 on loopback: /api/v3 and /data (api-t1.fyers.in) and /sym_details (public.fyers.in) under one base URL. */
export async function start(options: FyersSimOptions = {}): Promise<FyersSimHandle> {
  const clock = options.clock ?? systemClock;
  const state = new FyersState(
    clock,
    options.clientId ?? 'SIMAPP4821-100',
    options.secretKey ?? 'SIMSECRET7Q',
    options.cash ?? 1_000_000,
    options.redirectUrl ?? null,
  );
  const router = new SimRouter();
  loginRoutes(router, state);
  apiRoutes(router, state);
  const server = await serve(router, { port: options.port, notFound: NOT_FOUND });
  return {
    ...server,
    broker: 'fyers',
    credentials: { client_id: state.clientId, secret_key: state.secretKey },
    session: { access_token: state.issueSession(options.sessionToken) },
    loginUser: { fy_id: state.user.fyId, pin: state.user.pin, totpSecret: state.user.totpSecret },
    setRedirectUrl: (url) => (state.redirectUrl = url),
    expireSessions: () => state.sessions.clear(),
    setCallerIp: (ip) => (state.callerIp = ip),
    registeredIps: state.registeredIps,
    setCash: (inr) => (state.exchange.cash = inr),
  };
}
