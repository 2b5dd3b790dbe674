import type { EventPayload } from '../../../shared/contract';

export type LiveBatch = EventPayload<'quotes:live'>;
export type LiveQuote = LiveBatch['quotes'][number];
export type PriceSourceName = LiveBatch['sources'][number]['source'];

/** What one animation frame applies: the latest quote and source per symbol since the last frame. */
export interface FrameUpdate {
  quotes: Map<string, LiveQuote>;
  sources: Map<string, PriceSourceName>;
}

/**
 * Batches from main arrive every few ms; the screen changes at most once per animation frame. Latest value wins
 * per symbol (a quote older than the one already pending is dropped), so what waits is bounded by the number of
 * watched symbols and no queue can grow.
 */
export class FrameCoalescer {
  private quotes = new Map<string, LiveQuote>();
  private sources = new Map<string, PriceSourceName>();
  private requested = false;

  constructor(
    private readonly apply: (update: FrameUpdate) => void,
    /** `requestAnimationFrame` in the window; tests crank frames by hand. */
    private readonly requestFrame: (callback: () => void) => unknown,
  ) {}

  push(batch: LiveBatch): void {
    for (const quote of batch.quotes) {
      const pending = this.quotes.get(quote.symbol);
      if (!pending || quote.at >= pending.at) this.quotes.set(quote.symbol, quote);
    }
    for (const { symbol, source } of batch.sources) this.sources.set(symbol, source);
    if (this.requested || (this.quotes.size === 0 && this.sources.size === 0)) return;
    this.requested = true;
    this.requestFrame(() => this.flush());
  }

  /** How many symbols wait for the next frame (at most the watched ones). */
  get pending(): number {
    return this.quotes.size;
  }

  private flush(): void {
    this.requested = false;
    const update = { quotes: this.quotes, sources: this.sources };
    this.quotes = new Map();
    this.sources = new Map();
    this.apply(update);
  }
}
