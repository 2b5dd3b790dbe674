import { HOUR, type Clock } from '../../clock';

/** Where the paper engine gets prices: the simulated feed below, or (later) a broker's live quotes. */
export interface PriceSource {
  price(symbol: string): Promise<number>;
  /** True when prices are made up; the UI labels them "simulated". */
  readonly simulated: boolean;
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
}
