import { HOUR, SECOND, type Clock } from '../../clock';

/**
 * Which feed a paper price came from: BrokerVault's simulated feed, or one broker connection's market data
 * (by connection id). Stored on every position and fill, so a position is only ever valued on its own feed.
 */
export type PriceOrigin = 'simulated' | `connection:${string}`;

export const SIMULATED: PriceOrigin = 'simulated';

/** How long a display read may reuse a polled broker quote (PriceRequest.maxAgeMs): one paced quote request's worth. */
export const DISPLAY_QUOTE_MAX_AGE_MS = SECOND;

export function connectionOrigin(connectionId: string): PriceOrigin {
  return `connection:${connectionId}`;
}

/** The connection behind an origin, or null for the simulated feed. */
export function originConnection(origin: PriceOrigin): string | null {
  return origin === SIMULATED ? null : origin.slice('connection:'.length);
}

/** Anything read back from the store: a value this version does not know is treated as the simulated feed's. */
export function parseOrigin(text: string): PriceOrigin {
  return text.startsWith('connection:') && text.length > 'connection:'.length ? (text as PriceOrigin) : SIMULATED;
}

export interface SourcedPrice {
  price: number;
  source: PriceOrigin;
}

/** One symbol to price; `from` pins the feed (a held position's), otherwise the best current feed is used. */
export interface PriceRequest {
  symbol: string;
  from?: PriceOrigin;
  /**
   * A display read (quotes shown, a P&L mark, an exit's poll) may take a broker quote polled within this many ms
   * rather than spend the broker's quote budget again. Left out (0) for anything a fill is priced at.
   */
  maxAgeMs?: number;
  /** An order is priced at it (placed or changed now): its request passes display reads waiting at the rate limits. */
  forOrder?: boolean;
}

/** Where the paper engine gets prices: the simulated feed below, or a valid connection's market data. */
export interface PriceSource {
  /**
   * Prices with their feed. A symbol that cannot be priced (its pinned feed is gone, or the fetch failed) is
   * absent, never priced from another feed.
   */
  prices(requests: readonly PriceRequest[]): Promise<Map<string, SourcedPrice>>;
  /** True when no valid connection could price anything, so new fills would be simulated; the UI labels that. */
  readonly simulated: boolean;
  /** What the trader calls a feed: "simulated", or the connection's label. */
  describe(origin: PriceOrigin): string;
}

/**
 * prices() for a source that is a single feed: requests pinned to another feed, and symbols whose price fails or
 * is not a positive number, are left unpriced.
 */
export async function pricesFromOneFeed(
  requests: readonly PriceRequest[],
  source: PriceOrigin,
  priceOf: (symbol: string) => Promise<number>,
): Promise<Map<string, SourcedPrice>> {
  const out = new Map<string, SourcedPrice>();
  for (const { symbol, from } of requests) {
    if (from !== undefined && from !== source) continue;
    const price = await priceOf(symbol).catch(() => NaN);
    if (Number.isFinite(price) && price > 0) out.set(symbol, { price, source });
  }
  return out;
}

/** 32-bit FNV-1a: a stable, well-spread hash so every symbol gets its own base price and phases. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Base price 50.00 … 5,000.00, fixed per symbol. */
export function simulatedBase(symbol: string): number {
  return 50 + (hash32(symbol) % 495_001) / 100;
}

const SEVEN_MINUTES = 420_000;

/**
 * Simulated price of `symbol` at epoch ms `at`: base × (1 + 3 % slow sine (1 h period) + 1 % fast sine
 * (7 min) + up to ±0.1 % noise), rounded to the tick. Phases come from the symbol's hash; the noise is a
 * hash of (symbol, second). Time is taken in whole seconds, so the price holds for a second and is
 * identical on every run and machine.
 */
export function simulatedPriceAt(symbol: string, at: number, tick = 0.01): number {
  const second = Math.floor(at / 1000);
  const t = second * 1000;
  const h = hash32(symbol);
  const slowPhase = ((h & 0xffff) / 0x10000) * 2 * Math.PI;
  const fastPhase = ((h >>> 16) / 0x10000) * 2 * Math.PI;
  const slow = 0.03 * Math.sin((2 * Math.PI * t) / HOUR + slowPhase);
  const fast = 0.01 * Math.sin((2 * Math.PI * t) / SEVEN_MINUTES + fastPhase);
  const noise = ((hash32(`${symbol}@${second}`) % 2001) - 1000) / 1_000_000;
  const raw = simulatedBase(symbol) * (1 + slow + fast + noise);
  return Number(Math.max(tick, Math.round(raw / tick) * tick).toFixed(8));
}

/** Deterministic prices for paper trading without a market-data connection. */
export class SimulatedFeed implements PriceSource {
  readonly simulated = true;
  constructor(
    private readonly clock: Clock,
    private readonly tick = 0.01,
  ) {}

  async price(symbol: string): Promise<number> {
    return simulatedPriceAt(symbol, this.clock.now(), this.tick);
  }

  describe(origin: PriceOrigin): string {
    return origin === SIMULATED ? 'simulated' : 'a broker connection';
  }

  /** Only the simulated feed's own prices: a request pinned to a connection is left unpriced. */
  prices(requests: readonly PriceRequest[]): Promise<Map<string, SourcedPrice>> {
    return pricesFromOneFeed(requests, SIMULATED, (symbol) => this.price(symbol));
  }
}
