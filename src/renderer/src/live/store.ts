import { create } from 'zustand';
import type { ChannelOutput } from '../../../shared/contract';
import { getApi, unwrap } from '../api';
import { FrameCoalescer, type FrameUpdate, type LiveQuote, type PriceSourceName } from './coalescer';

export type FeedStatus = NonNullable<ChannelOutput<'feeds:list'>[number]['status']>;
export type WatchedSymbol = ChannelOutput<'quotes:watch'>['symbols'][number];

interface LiveState {
  /** Latest streamed quote per symbol (only watched symbols ever arrive). */
  quotes: Record<string, LiveQuote>;
  /** Where each watched symbol's price comes from, as main routed it and the feed reported since. */
  watched: Record<string, WatchedSymbol>;
  /** Each connection's market-data feed as main last reported it. */
  feeds: Record<string, FeedStatus>;
  /** Symbols each panel wants; their union is what main streams. */
  wants: Record<string, string[]>;
  /** Bumped when main says paper positions read differently (streamed prices moved them): panels read them again. */
  paperRepriced: number;
}

/**
 * Live market data in the window, apart from the app store so a tick re-renders only what shows prices.
 * Quotes change at most once per animation frame (FrameCoalescer).
 */
export const useLive = create<LiveState>(() => ({ quotes: {}, watched: {}, feeds: {}, wants: {}, paperRepriced: 0 }));

export function paperRepriced(): void {
  useLive.setState((s) => ({ paperRepriced: s.paperRepriced + 1 }));
}

export function applyFrame({ quotes, sources }: FrameUpdate): void {
  useLive.setState((s) => {
    const next: Partial<LiveState> = {};
    if (quotes.size > 0) {
      next.quotes = { ...s.quotes };
      for (const [symbol, quote] of quotes) next.quotes[symbol] = quote;
    }
    if (sources.size > 0) {
      next.watched = { ...s.watched };
      for (const [symbol, source] of sources) {
        const route = next.watched[symbol];
        if (route) next.watched[symbol] = { ...route, source: source as PriceSourceName };
      }
    }
    return next;
  });
}

export const liveFrames = new FrameCoalescer(applyFrame, (cb) => requestAnimationFrame(cb));

let sending: ReturnType<typeof setTimeout> | null = null;

/** Panel `id` wants these symbols live (an empty list lets go). Main gets the union once the burst of changes settles. */
export function want(id: string, symbols: readonly string[]): void {
  useLive.setState((s) => ({ wants: { ...s.wants, [id]: [...symbols] } }));
  scheduleSend();
}

function scheduleSend(): void {
  if (sending) clearTimeout(sending);
  sending = setTimeout(() => {
    sending = null;
    void sendWatchList();
  }, 50);
}

async function sendWatchList(): Promise<void> {
  const symbols = [...new Set(Object.values(useLive.getState().wants).flat())].slice(0, 200);
  try {
    const result = await unwrap(getApi().quotes.watch({ symbols }));
    const watched: Record<string, WatchedSymbol> = {};
    for (const w of result.symbols) watched[w.symbol] = w;
    useLive.setState((s) => ({
      watched,
      // Quotes of symbols no longer watched are dropped: nothing on screen shows a price main stopped sending.
      quotes: Object.fromEntries(Object.entries(s.quotes).filter(([symbol]) => watched[symbol]?.source === 'stream')),
      feeds: feedMap(result.feeds),
    }));
  } catch {
    // Main refused (e.g. locked vault): the panels poll as before.
    useLive.setState({ watched: {} });
  }
}

export function feedMap(list: ChannelOutput<'feeds:list'>): Record<string, FeedStatus> {
  const out: Record<string, FeedStatus> = {};
  for (const { connectionId, status } of list) if (status) out[connectionId] = status;
  return out;
}

export function setFeed(connectionId: string, status: FeedStatus | null): void {
  useLive.setState((s) => {
    const feeds = { ...s.feeds };
    if (status) feeds[connectionId] = status;
    else delete feeds[connectionId];
    return { feeds };
  });
}

/** Main rerouted symbols (a connection came or went, the mode switched): ask again where each comes from. */
export function refreshWatchList(): void {
  if (Object.values(useLive.getState().wants).some((list) => list.length > 0)) scheduleSend();
}
