import { systemClock } from '../../../src/main/clock';
import { systemScheduler } from '../../../src/main/scheduler';
import type { SimExchange } from '../exchange';
import { serve, SimRouter, type SimulatorHandle, type SimulatorOptions } from '../harness';
import { interactiveRoutes } from './interactive';
import { marketDataRoutes } from './marketdata';
import { CODES, error } from './responses';
import { DEFAULT_CREDENTIALS, XtsSimState, type XtsSimCredentials } from './state';
import { XtsDataStream } from './stream-data';
import { XtsOrderStream } from './stream-orders';

export interface XtsSimulatorOptions extends SimulatorOptions {
  /** Replace test credentials (e.g. with canary values). */
  credentials?: Partial<XtsSimCredentials>;
  /** Interval of streamed market data, and of the check for fills no request caused. Default 1 s. */
  streamTickMs?: number;
  /** Instruments one market-data session may subscribe. Default 1000 (XTS publishes no figure). */
  instrumentLimit?: number;
  /** The interactive socket's `order` payload: JSON text (default) or an object. */
  orderPayload?: 'text' | 'object';
}

export interface XtsSimulatorHandle extends SimulatorHandle {
  exchange: SimExchange;
  /** The caller IP registered against the API key. */
  registeredIp: string;
  /** Make every issued session (interactive and market data) expire now. */
  expireSessions(): void;
  /** Pretend requests come from this IP; order endpoints reject unregistered ones. */
  setCallerIp(ip: string): void;
  /** HTTP status XTS uses for "Invalid Token" on both APIs (defaults: interactive 400, market data 200). */
  setInvalidTokenStatus(status: number): void;
  /** Switch the documented 1 request/s limits on profile, balance, order book and trade book. */
  setReadRateLimit(enabled: boolean): void;
  /** Dealer login: isInvestorClient false, every interactive call must carry clientID. */
  setDealerMode(enabled: boolean): void;
  /** Market data root (socket.io path `<root>/socket.io`) and the interactive socket's host (path `/interactive/socket.io`). */
  streamUrl: string;
  orderStreamUrl: string;
  dataStream: XtsDataStream;
  orderStream: XtsOrderStream;
}

/**
 * Symphony XTS as hosted by 5paisa, IIFL and Compositedge: the interactive API under /interactive and
 * market data under /apimarketdata, both on one base URL.
 */
export async function start(options: XtsSimulatorOptions = {}): Promise<XtsSimulatorHandle> {
  const credentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const state = new XtsSimState(options.clock ?? systemClock, credentials);
  const scheduler = options.scheduler ?? systemScheduler(state.clock);
  const tickMs = options.streamTickMs ?? 1_000;
  const dataStream = new XtsDataStream({ state, scheduler, tickMs, instrumentLimit: options.instrumentLimit ?? 1_000 });
  const orderStream = new XtsOrderStream({ state, scheduler, pollMs: tickMs, payload: options.orderPayload ?? 'text' });
  const routes = new SimRouter();
  interactiveRoutes(routes, state);
  marketDataRoutes(routes, state);
  dataStream.routes(routes);
  // An empty outer router sends every request here, so an order placed or cancelled over REST is published at once.
  const server = await serve(new SimRouter(), {
    port: options.port,
    notFound: async (req) => {
      const found = routes.match(req.method, req.path);
      const out = found ? await found.handler({ ...req, params: found.params }) : error(404, CODES.notFound, 'Not Found');
      if (req.path.startsWith('/interactive/')) orderStream.publishChanges();
      return out;
    },
    attach: (http) => {
      dataStream.attach(http);
      orderStream.attach(http);
    },
  });
  const session = {
    interactiveToken: state.issue('interactive'),
    interactiveUserId: state.clientCode,
    isInvestorClient: 'true',
    clientId: state.clientCode,
    marketDataToken: state.issue('marketData'),
    marketDataUserId: state.clientCode,
  };
  return {
    ...server,
    // Socket.io's sockets are no longer the HTTP server's own connections: end them first.
    close: async () => {
      dataStream.close();
      orderStream.close();
      await server.close();
    },
    broker: 'xts',
    streamUrl: `${server.baseUrl}/apimarketdata`,
    orderStreamUrl: server.baseUrl,
    dataStream,
    orderStream,
    credentials: { ...credentials },
    session,
    exchange: state.exchange,
    registeredIp: state.registeredIp,
    expireSessions: () => state.expireSessions(),
    setCallerIp: (ip) => {
      state.callerIp = ip;
    },
    setInvalidTokenStatus: (status) => {
      state.invalidTokenStatus = { interactive: status, marketData: status };
    },
    setReadRateLimit: (enabled) => {
      state.readLimitsEnabled = enabled;
    },
    setDealerMode: (enabled) => {
      state.dealer = enabled;
    },
  };
}
