import type { SimExchange } from '../exchange';
import { WebSocketServer } from 'ws';
import { systemClock } from '../../../src/main/clock';
import { systemScheduler } from '../../../src/main/scheduler';
import { serve, SimRouter, type SimulatorHandle, type SimulatorOptions } from '../harness';
import { apiRoutes } from './api';
import { NOT_FOUND } from './envelope';
import { FyersHsmStream } from './hsm-stream';
import { loginRoutes } from './login';
import { FyersOrderSocket } from './order-socket';
import type { FyersBracketBook } from './bracket';
import { FyersState } from './state';

const HSM_PATH = '/hsm/v1-5/prod';
const ORDER_PATH = '/trade/v3';

export interface FyersSimOptions extends SimulatorOptions {
  /** Override the test app's credentials (e.g. the canary test). */
  clientId?: string;
  secretKey?: string;
  /** Access token of the pre-issued session (default: a JWT). */
  sessionToken?: string;
  cash?: number;
  /** The redirect URL registered on the simulated app; without one any loopback URL is accepted. */
  redirectUrl?: string;
  /** Symbols one data socket may carry (default 5000, what FYERS' JS SDK checks; its Python SDK's page says 200). */
  scripLimit?: number;
  /** When > 0 the data socket numbers its data packets and expects an ack every that many (default 0: off). */
  ackCount?: number;
  /** Interval of streamed data and of the order socket's check for fills no request caused. Default 1 s. */
  streamTickMs?: number;
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
  /** Issue another valid session (a new login, a daily token rollover), returned as the session fields. */
  newSession(): Record<string, string>;
  streamUrl: string;
  orderStreamUrl: string;
  /** The sockets, so tests can push a tick now, mute or drop every socket from the server side. */
  hsm: FyersHsmStream;
  orderSocket: FyersOrderSocket;
  /** The order book behind the API (a test plays the trader acting in FYERS' own app). */
  exchange: SimExchange;
  /** Bracket (BO) orders behind the order book. */
  brackets: FyersBracketBook;
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
  const scheduler = options.scheduler ?? systemScheduler(clock);
  const tickMs = options.streamTickMs ?? 1_000;
  const hsm = new FyersHsmStream({
    exchange: state.exchange,
    scheduler,
    validKey: (key) => state.validHsmKey(key),
    scripLimit: options.scripLimit ?? 5000,
    scripsPerRequest: 1500,
    ackCount: options.ackCount ?? 0,
    tickMs,
  });
  const orderSocket = new FyersOrderSocket({ exchange: state.exchange, scheduler, pollMs: tickMs, settle: () => state.brackets.settle() });
  state.onOrdersChanged = () => orderSocket.publishChanges();
  const wss = new WebSocketServer({ noServer: true });

  const router = new SimRouter();
  loginRoutes(router, state);
  apiRoutes(router, state);
  const server = await serve(router, {
    port: options.port,
    notFound: NOT_FOUND,
    // socket.fyers.in on the same port: the data socket (auth inside, by hsm_key) and the order socket (auth in the upgrade header).
    upgrade: (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === ORDER_PATH) {
        const auth = String(req.headers.authorization ?? '');
        const colon = auth.indexOf(':');
        if (colon < 0 || auth.slice(0, colon) !== state.clientId || !state.validSession(auth.slice(colon + 1))) {
          socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          return;
        }
      } else if (path !== HSM_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => (path === ORDER_PATH ? orderSocket.accept(ws) : hsm.accept(ws)));
    },
  });
  const wsBase = server.baseUrl.replace(/^http/, 'ws');
  return {
    ...server,
    // Upgraded sockets are no longer the HTTP server's connections: end them first.
    close: async () => {
      hsm.close();
      orderSocket.close();
      wss.close();
      await server.close();
    },
    streamUrl: `${wsBase}${HSM_PATH}`,
    orderStreamUrl: `${wsBase}${ORDER_PATH}`,
    hsm,
    orderSocket,
    newSession: () => ({ access_token: state.issueSession() }),
    broker: 'fyers',
    credentials: { client_id: state.clientId, secret_key: state.secretKey },
    session: { access_token: state.issueSession(options.sessionToken) },
    loginUser: { fy_id: state.user.fyId, pin: state.user.pin, totpSecret: state.user.totpSecret },
    setRedirectUrl: (url) => (state.redirectUrl = url),
    expireSessions: () => state.sessions.clear(),
    setCallerIp: (ip) => (state.callerIp = ip),
    registeredIps: state.registeredIps,
    setCash: (inr) => (state.exchange.cash = inr),
    exchange: state.exchange,
    brackets: state.brackets,
  };
}
