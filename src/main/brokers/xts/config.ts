/**
 * XTS constants shared by every broker that hosts a copy of Symphony's XTS (5paisa, IIFL, Compositedge).
 * Paths and JSON shapes are the same everywhere; only the host and, on some deployments, the
 * market-data root differ, so both roots are configurable per adapter.
 */
export interface XtsRoots {
  /** Root of the interactive (order) API under the host, e.g. "/interactive". */
  interactive: string;
  /** Root of the market-data REST API under the host, e.g. "/apimarketdata". */
  marketData: string;
}

export const DEFAULT_ROOTS: XtsRoots = { interactive: '/interactive', marketData: '/apimarketdata' };

/** Names of the connection fields: what the user enters, and what login() stores. */
export const FIELD = {
  interactiveAppKey: 'interactiveAppKey',
  interactiveSecretKey: 'interactiveSecretKey',
  marketDataAppKey: 'marketDataAppKey',
  marketDataSecretKey: 'marketDataSecretKey',
  source: 'source',
} as const;

export const SESSION = {
  interactiveToken: 'interactiveToken',
  interactiveUserId: 'interactiveUserId',
  /** "true" for retail (investor) logins, "false" for dealer logins that must pass clientID. */
  isInvestorClient: 'isInvestorClient',
  clientId: 'clientId',
  marketDataToken: 'marketDataToken',
  marketDataUserId: 'marketDataUserId',
} as const;

/** XTS exchange segments (strings on the interactive API) and our common exchange prefixes. */
export const SEGMENT_TO_EXCHANGE: Readonly<Record<string, string>> = {
  NSECM: 'NSE',
  BSECM: 'BSE',
  NSEFO: 'NFO',
  BSEFO: 'BFO',
  NSECD: 'CDS',
  MCXFO: 'MCX',
};

export const EXCHANGE_TO_SEGMENT: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SEGMENT_TO_EXCHANGE).map(([segment, exchange]) => [exchange, segment]),
);

/** Market-data calls use numeric segments (NSECM 1, NSEFO 2, NSECD 3, BSECM 11, BSEFO 12, MCXFO 51). */
export const SEGMENT_CODE: Readonly<Record<string, number>> = {
  NSECM: 1,
  NSEFO: 2,
  NSECD: 3,
  BSECM: 11,
  BSEFO: 12,
  MCXFO: 51,
};

export const SEGMENT_BY_CODE: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(SEGMENT_CODE).map(([segment, code]) => [code, segment]));

/** Segments downloaded for the instrument master. */
export const MASTER_SEGMENTS = ['NSECM', 'BSECM', 'NSEFO', 'BSEFO', 'NSECD', 'MCXFO'];

/** Quotes accept at most ~50 instruments per request. */
export const QUOTES_BATCH = 50;

/**
 * XTS market-data times count seconds from 1980-01-01 00:00 IST. That instant is
 * 315532800 s (1980-01-01Z) minus 19800 s (IST offset) after the Unix epoch.
 */
export const XTS_EPOCH_UNIX_SECONDS = 315_513_000;
