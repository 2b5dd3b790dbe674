import { systemClock } from '../../../src/main/clock';
import type { SimExchange } from '../exchange';
import { serve, SimRouter, type SimulatorHandle, type SimulatorOptions } from '../harness';
import { interactiveRoutes } from './interactive';
import { marketDataRoutes } from './marketdata';
import { CODES, error } from './responses';
import { DEFAULT_CREDENTIALS, XtsSimState, type XtsSimCredentials } from './state';

export interface XtsSimulatorOptions extends SimulatorOptions {
  /** Replace test credentials (e.g. with canary values). */
  credentials?: Partial<XtsSimCredentials>;
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
}

/**
 * Symphony XTS as hosted by 5paisa, IIFL and Compositedge: the interactive API under /interactive and
 * market data under /apimarketdata, both on one base URL.
 */
export async function start(options: XtsSimulatorOptions = {}): Promise<XtsSimulatorHandle> {
  const credentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const state = new XtsSimState(options.clock ?? systemClock, credentials);
  const router = new SimRouter();
  interactiveRoutes(router, state);
  marketDataRoutes(router, state);
  const server = await serve(router, {
    port: options.port,
    notFound: () => error(404, CODES.notFound, 'Not Found'),
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
    broker: 'xts',
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
