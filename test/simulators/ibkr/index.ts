import { WebSocketServer } from 'ws';
import { systemClock } from '../../../src/main/clock';
import { systemScheduler } from '../../../src/main/scheduler';
import type { SimExchange } from '../exchange';
import { serve, SimRouter, type SimulatorHandle, type SimulatorOptions, type StartSimulator } from '../harness';
import { accountRoutes } from './account-routes';
import { orderRoutes } from './order-routes';
import { sessionRoutes } from './session-routes';
import { GatewayState } from './state';
import { IbkrGatewayStream } from './stream';
import { tlsFront } from './tls';

export interface IbkrSimOptions extends SimulatorOptions {
  /** Serve HTTPS with a fresh self-signed certificate, like the real gateway (default: env IBKR_SIM_HTTPS=1). */
  https?: boolean;
  /** The gateway's overall pacing (10 req/s); tests raise it so long scenarios need no clock juggling. */
  globalPerSecond?: number;
  /** Orders worth more than this (USD) get a "Total Value Limit" question. */
  valueLimit?: number;
  /** Accounts in the session; paper ids start with DU. */
  accounts?: string[];
  /** Interval of streamed market-data updates and of the order check on the websocket. Default 1 s. */
  streamTickMs?: number;
  /** Market-data lines one session may stream at once (IBKR's default allowance: 100). */
  maxLines?: number;
}

export interface IbkrSimHandle extends SimulatorHandle {
  /** Where a browser logs in (the gateway root); baseUrl is the API root `<gateway>/v1/api`. */
  gatewayUrl: string;
  /** The IBKR username and password the login form accepts (typed in a browser, never stored by the app). */
  login: { username: string; password: string };
  /** SHA-256 fingerprint of the self-signed certificate when serving HTTPS. */
  certFingerprint256: string | null;
  exchange: SimExchange;
  /** The gateway's idle timeout or midnight reset happened: every call answers 401 until a new browser login. */
  expireSessions(): void;
  /** Someone logged in to TWS/mobile with the same username: the brokerage session is taken over. */
  setCompeting(competing: boolean): void;
  /** Browser login done but the brokerage session not opened yet (needs /iserver/auth/ssodh/init). */
  dropBrokerageSession(): void;
  /** Order questions the gateway holds unanswered (reply ids not yet confirmed or declined). */
  pendingQuestions(): number;
  /** The websocket `wss://localhost:5000/v1/api/ws` stands for (`ws://` without HTTPS). */
  streamUrl: string;
  /** The websocket, so tests can look at subscriptions, push an update now or drop every socket. */
  stream: IbkrGatewayStream;
}

export async function startIbkrGateway(options: IbkrSimOptions = {}): Promise<IbkrSimHandle> {
  const clock = options.clock ?? systemClock;
  const login = { username: 'bvtest123', password: 'sim-password-1' };
  const accounts = options.accounts ?? ['DU1234567'];
  const state = new GatewayState(clock, accounts, login, options.globalPerSecond ?? 10, options.valueLimit ?? 25_000);
  const router = new SimRouter();
  sessionRoutes(router, state);
  accountRoutes(router, state);
  orderRoutes(router, state);
  const stream = new IbkrGatewayStream({
    state,
    scheduler: options.scheduler ?? systemScheduler(clock),
    tickMs: options.streamTickMs ?? 1_000,
    heartbeatMs: 10_000,
    smdLifetimeMs: 10 * 60_000,
    maxLines: options.maxLines ?? 100,
  });
  // An order placed or cancelled over REST shows up on the `sor` topic.
  state.afterRequest = () => stream.publishChanges();
  const wss = new WebSocketServer({ noServer: true });

  const https = options.https ?? process.env.IBKR_SIM_HTTPS === '1';
  const http = await serve(router, {
    port: https ? 0 : options.port,
    notFound: () => ({ status: 404, json: { error: 'Not Found' } }),
    upgrade: (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/v1/api/ws') {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => stream.accept(ws));
    },
  });
  const front = https ? await tlsFront(http.port, options.port) : null;
  const port = front?.port ?? http.port;
  const gatewayUrl = `${https ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    broker: 'ibkr',
    baseUrl: `${gatewayUrl}/v1/api`,
    port,
    gatewayUrl,
    credentials: { accountId: accounts[0]! },
    // The session lives in the gateway; the only thing a client stores is the pinned certificate.
    session: front ? { gatewayCertSha256: front.fingerprint256 } : {},
    login,
    certFingerprint256: front?.fingerprint256 ?? null,
    exchange: state.exchange,
    streamUrl: `${gatewayUrl.replace(/^http/, 'ws')}/v1/api/ws`,
    stream,
    expireSessions: () => state.logout(),
    setCompeting: (competing) => {
      state.competing = competing;
    },
    pendingQuestions: () => state.replies.size,
    dropBrokerageSession: () => {
      state.brokerage = false;
      state.primed = false;
    },
    // Upgraded sockets are no longer the HTTP server's connections: end them first.
    close: async () => {
      stream.close();
      wss.close();
      await front?.close();
      await http.close();
    },
  };
}

export const start: StartSimulator = startIbkrGateway;
