import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import { describeError, getApi, unwrap } from '../api';
import { num } from '../format';
import { useApp } from '../store';
import { SYMBOL_PATTERN } from './SymbolField';

type Quotes = ChannelOutput<'quotes:get'>;

/**
 * Prices for the watched symbols, refreshed every few seconds; says plainly when they are simulated.
 * The label follows quotes:get's `simulated` for the current mode: on a mode switch the previous
 * mode's prices (and label) are dropped and fetched again at once, never shown under the new mode.
 */
export function QuotesPanel({ symbols, onPick }: { symbols: string[]; onPick(symbol: string): void }) {
  const valid = [...new Set(symbols.filter((s) => SYMBOL_PATTERN.test(s)))].slice(0, 50);
  const key = valid.join(',');
  const source = useApp((s) => (s.mode.mode === 'live' && s.mode.live ? `live:${s.mode.live.connectionId}` : 'paper'));
  const [data, setData] = useState<Quotes | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setData(null);
    setError(null);
    if (!key) return;
    let live = true;
    const load = () =>
      unwrap(getApi().quotes.get({ symbols: key.split(',') })).then(
        (q) => {
          if (!live) return;
          setData(q);
          setError(null);
        },
        (e: unknown) => live && setError(describeError(e)),
      );
    // Wait for typing to settle before the first request.
    const first = setTimeout(() => void load(), 400);
    const timer = setInterval(() => void load(), 5000);
    return () => {
      live = false;
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [key, source]);

  return (
    <section className="panel" aria-labelledby="quotes-h">
      <div className="panel-head">
        <h2 id="quotes-h">Quotes</h2>
        {data &&
          (data.simulated ? (
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
      ) : !data ? (
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
            {data.quotes.map((q) => (
              <tr key={q.symbol}>
                <td>
                  <button type="button" className="link mono" onClick={() => onPick(q.symbol)}>
                    {q.symbol}
                  </button>
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
