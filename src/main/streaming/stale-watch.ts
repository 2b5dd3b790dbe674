/**
 * Per-symbol staleness for one socket: a symbol with no tick for `staleAfterMs` is stale until its next tick.
 * It keeps times only; the feed arms one timer at `nextCheckAt()` and calls `sweep()` when it fires.
 */
export class StaleWatch {
  private readonly lastSeen = new Map<string, number>();
  private readonly stale = new Set<string>();

  constructor(private readonly staleAfterMs: number) {}

  /** Start (or restart) watching these symbols as of `now`: a fresh subscription gets a full window for its first tick. */
  watch(symbols: Iterable<string>, now: number): void {
    for (const symbol of symbols) {
      this.lastSeen.set(symbol, now);
      this.stale.delete(symbol);
    }
  }

  forget(symbols: Iterable<string>): void {
    for (const symbol of symbols) {
      this.lastSeen.delete(symbol);
      this.stale.delete(symbol);
    }
  }

  clear(): void {
    this.lastSeen.clear();
    this.stale.clear();
  }

  /** A tick arrived; true when the symbol was stale and is live again. */
  seen(symbol: string, now: number): boolean {
    if (!this.lastSeen.has(symbol)) return false;
    this.lastSeen.set(symbol, now);
    return this.stale.delete(symbol);
  }

  /** Mark every watched symbol whose window has passed as stale (unless `exempt`, e.g. its market is shut); returns the newly stale. */
  sweep(now: number, exempt: (symbol: string) => boolean = () => false): string[] {
    const fresh: string[] = [];
    for (const [symbol, at] of this.lastSeen) {
      if (this.stale.has(symbol) || now - at < this.staleAfterMs) continue;
      if (exempt(symbol)) {
        // A shut market sends nothing; its window starts again rather than counting as stale.
        this.lastSeen.set(symbol, now);
        continue;
      }
      this.stale.add(symbol);
      fresh.push(symbol);
    }
    return fresh;
  }

  /** When the next live symbol's window ends, or null when nothing live is watched. */
  nextCheckAt(): number | null {
    let earliest: number | null = null;
    for (const [symbol, at] of this.lastSeen) {
      if (this.stale.has(symbol)) continue;
      const due = at + this.staleAfterMs;
      if (earliest === null || due < earliest) earliest = due;
    }
    return earliest;
  }

  get anyStale(): boolean {
    return this.stale.size > 0;
  }

  isStale(symbol: string): boolean {
    return this.stale.has(symbol);
  }
}
