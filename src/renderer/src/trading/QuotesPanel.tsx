import { useEffect, useRef, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import { describeError, getApi, unwrap } from '../api';
import { num } from '../format';
import { useApp } from '../store';
import { useLive, want, type FeedStatus } from '../live/store';
import { SYMBOL_PATTERN } from './SymbolField';

type Quotes = ChannelOutput<'quotes:get'>;
type Quote = Quotes['quotes'][number];

const FEED_TEXT: Record<FeedStatus, string> = {
  live: 'live',
  reconnecting: 'reconnecting…',
  stale: 'stale: polling',
  polling: 'feed down: polling',
};
const FEED_TITLE: Record<FeedStatus, string> = {
  live: 'Prices stream from your broker as they change.',
  reconnecting: 'The price stream dropped; BrokerVault is reconnecting and refreshes prices every few seconds meanwhile.',
  stale: 'No price arrived for a while though the market is open; prices are refreshed every few seconds until the stream moves again.',
  polling: 'The price stream could not be reopened; prices are refreshed every few seconds while BrokerVault keeps trying.',
};

/**
 * Prices for the watched symbols: streamed from the broker where a connection streams them (changing at most once
 * per animation frame), refreshed every few seconds otherwise; says plainly when they are simulated. The label
 * follows quotes:get's `simulated` for the current mode: on a mode switch the previous mode's prices (and label)
 * are dropped and fetched again at once, never shown under the new mode.
 */
export function QuotesPanel({ symbols, onPick, onChart }: { symbols: string[]; onPick(symbol: string): void; onChart?(symbol: string): void }) {
  const valid = [...new Set(symbols.filter((s) => SYMBOL_PATTERN.test(s)))].slice(0, 50);
  const key = valid.join(',');
  const source = useApp((s) => (s.mode.mode === 'live' && s.mode.live ? `live:${s.mode.live.connectionId}` : 'paper'));
  const [data, setData] = useState<Quotes | null>(null);
  const [error, setError] = useState<string | null>(null);
  const liveQuotes = useLive((s) => s.quotes);
  const watched = useLive((s) => s.watched);
  const feeds = useLive((s) => s.feeds);
  const watchedRef = useRef(watched);
  watchedRef.current = watched;

  useEffect(() => {
    want('quotes', key ? key.split(',') : []);
    return () => want('quotes', []);
  }, [key]);

  useEffect(() => {
    setData(null);
    setError(null);
    if (!key) return;
    let live = true;
    const load = (all: boolean) => {
      // Streamed symbols need no polling; the first load fetches all (the label, and a price before the first tick).
      const list = key.split(',').filter((s) => all || watchedRef.current[s]?.source !== 'stream');
      if (list.length === 0) return;
      unwrap(getApi().quotes.get({ symbols: list })).then(
        (q) => {
          if (!live) return;
          setData((before) => merge(before, q));
          setError(null);
        },
        (e: unknown) => live && setError(describeError(e)),
      );
    };
    // Wait for typing to settle before the first request.
    const first = setTimeout(() => load(true), 400);
    const timer = setInterval(() => load(false), 5000);
    return () => {
      live = false;
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [key, source]);

  const streamed = (symbol: string) => (watched[symbol]?.source === 'stream' ? liveQuotes[symbol] : undefined);
  const rows: Quote[] = valid.flatMap((symbol) => {
    const live = streamed(symbol);
    const polled = data?.quotes.find((q) => q.symbol === symbol);
    return live ? [{ ...live }] : polled ? [polled] : [];
  });
  const feedIds = [...new Set(valid.flatMap((s) => watched[s]?.connectionId ?? []))];
  const feed = feedIds.map((id) => feeds[id]).find((f) => f && f !== 'live') ?? (feedIds.some((id) => feeds[id] === 'live') ? 'live' : undefined);
  const anyStreamed = valid.some((s) => streamed(s));

  return (
    <section className="panel" aria-labelledby="quotes-h">
      <div className="panel-head">
        <h2 id="quotes-h">Quotes</h2>
        {feed && (
          <span className={`tag ${feed === 'live' ? 'tag-accent' : 'tag-warn'}`} data-testid="feed-status" title={FEED_TITLE[feed]}>
            {FEED_TEXT[feed]}
          </span>
        )}
        {(data || anyStreamed) &&
          (data?.simulated && !anyStreamed ? (
            <span className="tag tag-warn" data-testid="simulated-prices" title="Made up by BrokerVault's built-in feed, not market prices.">
              simulated prices
            </span>
          ) : (
            <span className="tag tag-accent" data-testid="broker-prices" title="Prices from your connected broker.">
              broker prices
            </span>
          ))}
      </div>
      {error && <p className="warn-text small">Prices unavailable: {error}</p>}
      {!key ? (
        <p className="muted empty-inline">Enter a symbol in the ticket to see its price here.</p>
      ) : rows.length === 0 ? (
        <p className="muted empty-inline">Loading prices…</p>
      ) : (
        <table className="table compact" aria-label="Quotes">
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col" className="num">
                Last
              </th>
              <th scope="col" className="num">
                Bid
              </th>
              <th scope="col" className="num">
                Ask
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((q) => (
              <tr key={q.symbol} data-testid="quote-row" data-source={streamed(q.symbol) ? 'stream' : 'poll'}>
                <td>
                  <button type="button" className="link mono" onClick={() => onPick(q.symbol)}>
                    {q.symbol}
                  </button>
                  {onChart && (
                    <button type="button" className="link chart-open" onClick={() => onChart(q.symbol)} aria-label={`Chart ${q.symbol}`} title="Open its chart">
                      chart
                    </button>
                  )}
                </td>
                <td className="num strong" data-testid="quote-last">
                  {num(q.last)}
                </td>
                <td className="num">{num(q.bid)}</td>
                <td className="num">{num(q.ask)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Polled quotes replace the ones they cover; the others (and the label, if any poll said simulated) stay. */
function merge(before: Quotes | null, next: Quotes): Quotes {
  if (!before) return next;
  const bySymbol = new Map(before.quotes.map((q) => [q.symbol, q]));
  for (const q of next.quotes) bySymbol.set(q.symbol, q);
  return { simulated: next.simulated, quotes: [...bySymbol.values()] };
}
